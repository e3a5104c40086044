internal import COpenSSL

/// A private key that signs bytes as cosign's key-based signing does: an unencrypted PEM
/// PKCS#8 (`BEGIN PRIVATE KEY`, as `openssl genpkey` writes it; the older `BEGIN EC PRIVATE
/// KEY` and `BEGIN RSA PRIVATE KEY` forms are read too) of an ECDSA P-256 or P-384, RSA or
/// Ed25519 key. ECDSA signs SHA-256 (DER), RSA PKCS#1 v1.5 over SHA-256, Ed25519 pure: the
/// schemes cosign uses and ``VerificationKey`` checks.
///
/// `@unchecked Sendable`: the key is never changed after `init`, and each signature uses a
/// digest context of its own.
public final class SigningKey: @unchecked Sendable {
    public let name: String
    public let algorithm: VerificationKey.Algorithm
    private let key: OpaquePointer

    /// Reads a PEM private key from `path`; `name` (default: the path) names it in messages.
    public convenience init(contentsOf path: String, name: String? = nil) throws {
        try self.init(pem: PEMFile.read(path, what: "PEM private key"), name: name ?? path)
    }

    /// Parses an unencrypted PEM private key. An encrypted one (cosign's own
    /// `ENCRYPTED SIGSTORE PRIVATE KEY`, or PKCS#8 `ENCRYPTED PRIVATE KEY`) is refused with
    /// the words to decrypt it: manifold never asks for a password.
    public init(pem: [UInt8], name: String) throws {
        self.name = name
        let text = String(decoding: pem, as: UTF8.self)
        if text.contains("ENCRYPTED SIGSTORE PRIVATE KEY") || text.contains("ENCRYPTED COSIGN PRIVATE KEY") {
            throw ManifoldError(.invalidArgument, "\(name): is an encrypted cosign key, which manifold cannot read; export it unencrypted (cosign import-key/export, or generate one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem`)")
        }
        if text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw ManifoldError(.invalidArgument, "\(name): is encrypted; decrypt it first: `openssl pkey -in \(name) -out key.pem` (keep the result private)")
        }
        if text.contains("BEGIN PUBLIC KEY") {
            throw ManifoldError(.invalidArgument, "\(name): is a public key; signing needs the private key (its .pub verifies)")
        }
        // A callback that gives no password: OpenSSL's default would prompt on the terminal.
        let parsed: OpaquePointer? = pem.withUnsafeBytes { buffer -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        ERR_clear_error()
        guard let parsed else {
            throw ManifoldError(.invalidArgument, "\(name): not a PEM private key (expected -----BEGIN PRIVATE KEY-----, PKCS#8)")
        }
        do {
            algorithm = try VerificationKey.Algorithm(of: parsed, name: name, acceptsRSAPSS: false)
        } catch {
            EVP_PKEY_free(parsed)
            throw error
        }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// The signature over exactly `message` (DER for ECDSA).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        defer { ERR_clear_error() }
        guard let context = EVP_MD_CTX_new() else { throw ManifoldError(.internalFailure, "out of memory for a signing context") }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        let digest = algorithm == .ed25519 ? nil : EVP_sha256()
        guard EVP_DigestSignInit(context, &keyContext, digest, nil, key) == 1 else {
            throw ManifoldError(.internalFailure, "\(name): OpenSSL could not start a signature")
        }
        if algorithm == .rsa, let keyContext {
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, manifold_pkey_rsa_pkcs1_padding()) == 1 else {
                throw ManifoldError(.internalFailure, "\(name): OpenSSL refused PKCS#1 v1.5 padding")
            }
        }
        return try message.withUnsafeBufferPointer { input in
            let base = input.baseAddress ?? UnsafePointer(bitPattern: 1)
            var length = 0
            guard EVP_DigestSign(context, nil, &length, base, input.count) == 1 else {
                throw ManifoldError(.internalFailure, "\(name): OpenSSL could not size the signature")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, base, input.count) == 1 else {
                throw ManifoldError(.internalFailure, "\(name): OpenSSL could not sign")
            }
            return Array(signature.prefix(length))
        }
    }
}
