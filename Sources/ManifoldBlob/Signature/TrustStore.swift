internal import COpenSSL

/// The CA certificates a chain must lead to: an OpenSSL X509_STORE, checked with
/// X509_verify_cert. Time is not checked here (the Notation check does it against the
/// signing time and now, each as its trust policy says), only the chain's signatures,
/// constraints and purposes.
///
/// `@unchecked Sendable`: filled in `init`, then only read; each check has a context of its own.
public final class TrustStore: @unchecked Sendable {
    /// How reports name it: `ca:<name>`.
    public let name: String
    public let certificates: [Certificate]
    private let store: OpaquePointer

    public init(name: String, certificates: [Certificate]) throws {
        guard let store = X509_STORE_new() else { throw ManifoldError(.invalidArgument, "\(name): cannot make a certificate store") }
        for certificate in certificates {
            _ = X509_STORE_add_cert(store, certificate.pointer)
        }
        ERR_clear_error()
        self.name = name
        self.certificates = certificates
        self.store = store
    }

    deinit { X509_STORE_free(store) }

    /// nil when `leaf`, through `intermediates`, chains to a certificate of this store; else
    /// OpenSSL's reason, in its words.
    public func verify(_ leaf: Certificate, intermediates: [Certificate]) -> String? {
        defer { ERR_clear_error() }
        guard let context = X509_STORE_CTX_new(), let untrusted = manifold_x509_stack_new() else { return "out of memory" }
        defer {
            X509_STORE_CTX_free(context)
            manifold_x509_stack_free(untrusted)
        }
        for certificate in intermediates { _ = manifold_x509_stack_push(untrusted, certificate.pointer) }
        guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else { return "cannot start the chain check" }
        let parameters = X509_STORE_CTX_get0_param(context)
        _ = X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_NO_CHECK_TIME))
        if X509_verify_cert(context) == 1 { return nil }
        let code = X509_STORE_CTX_get_error(context)
        return X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
    }
}
