internal import COpenSSL

/// A public key a signature is checked with: a PKIX (`BEGIN PUBLIC KEY`) PEM of an ECDSA
/// P-256 or P-384, RSA or Ed25519 key, as `cosign generate-key-pair` and `openssl pkey
/// -pubout` write them. Knows bytes and signatures only: what was signed is the caller's.
///
/// `@unchecked Sendable`: the key is never changed after `init`, and each check uses a digest
/// context of its own, which libcrypto allows from any number of threads at once.
public final class VerificationKey: @unchecked Sendable {
    /// The kind of key, as reports name it.
    public enum Algorithm: String, Sendable {
        case ecdsaP256 = "ecdsa-p256"
        case ecdsaP384 = "ecdsa-p384"
        case rsa
        case ed25519
    }

    /// How a signature was checked, as reports name it: `ecdsa-sha256`, `rsa-pss-sha256`…
    public struct Scheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let ecdsaSHA256 = Scheme(rawValue: "ecdsa-sha256")
        public static let ecdsaSHA384 = Scheme(rawValue: "ecdsa-sha384")
        public static let rsaPKCS1SHA256 = Scheme(rawValue: "rsa-pkcs1v15-sha256")
        public static let rsaPSSSHA256 = Scheme(rawValue: "rsa-pss-sha256")
        public static let ed25519 = Scheme(rawValue: "ed25519")
    }

    /// How reports name the key: the file it came from, as given.
    public let name: String
    public let algorithm: Algorithm
    /// The key's size in bits (256 for P-256, 2048 for RSA-2048).
    public let bits: Int
    private let key: OpaquePointer

    /// Reads a PEM public key from `path`; `name` (default: the path) names it in reports.
    public convenience init(contentsOf path: String, name: String? = nil) throws {
        try self.init(pem: PEMFile.read(path, what: "PEM public key"), name: name ?? path)
    }

    /// Parses a PKIX PEM public key. A private key, a certificate or a key of another kind
    /// (DSA, a curve other than P-256 and P-384) is refused with words that say which.
    public init(pem: [UInt8], name: String) throws {
        self.name = name
        let text = String(decoding: pem, as: UTF8.self)
        if text.contains("PRIVATE KEY-----") {
            throw ManifoldError(.invalidArgument, "\(name): is a private key; give the public key (cosign.pub, or `openssl pkey -pubout`)")
        }
        if text.contains("BEGIN CERTIFICATE") {
            throw ManifoldError(.invalidArgument, "\(name): is a certificate, not a public key (`openssl x509 -pubkey -noout` extracts its key)")
        }
        let parsed: OpaquePointer? = pem.withUnsafeBytes { buffer -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        ERR_clear_error()
        guard let parsed else {
            throw ManifoldError(.invalidArgument, "\(name): not a PEM public key (expected -----BEGIN PUBLIC KEY-----)")
        }
        let bits = Int(EVP_PKEY_get_bits(parsed))
        let algorithm: Algorithm
        do {
            algorithm = try Algorithm(of: parsed, name: name, acceptsRSAPSS: true)
        } catch {
            EVP_PKEY_free(parsed)
            throw error
        }
        self.key = parsed
        self.algorithm = algorithm
        self.bits = bits
    }

    deinit { EVP_PKEY_free(key) }

    /// The scheme under which `signature` is this key's over exactly `message`, or nil when it
    /// is not. ECDSA signatures are DER (SHA-256; for P-384 also SHA-384, newer cosign's
    /// default); RSA ones PKCS#1 v1.5 or PSS (any salt length) over SHA-256; Ed25519 pure.
    public func verify(signature: [UInt8], over message: [UInt8]) -> Scheme? {
        guard !signature.isEmpty else { return nil }
        switch algorithm {
        case .ecdsaP256:
            return check(signature, message, digest: EVP_sha256(), padding: nil) ? .ecdsaSHA256 : nil
        case .ecdsaP384:
            if check(signature, message, digest: EVP_sha256(), padding: nil) { return .ecdsaSHA256 }
            return check(signature, message, digest: EVP_sha384(), padding: nil) ? .ecdsaSHA384 : nil
        case .rsa:
            if check(signature, message, digest: EVP_sha256(), padding: manifold_pkey_rsa_pkcs1_padding()) { return .rsaPKCS1SHA256 }
            return check(signature, message, digest: EVP_sha256(), padding: manifold_pkey_rsa_pss_padding()) ? .rsaPSSSHA256 : nil
        case .ed25519:
            return check(signature, message, digest: nil, padding: nil) ? .ed25519 : nil
        }
    }

    /// One EVP_DigestVerify; every OpenSSL error on the way is a "no" (and cleared, so none
    /// is left on this thread's queue for the next caller).
    private func check(_ signature: [UInt8], _ message: [UInt8], digest: OpaquePointer?, padding: Int32?) -> Bool {
        defer { ERR_clear_error() }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, key) == 1 else { return false }
        if let padding, let keyContext {
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, padding) == 1 else { return false }
            if padding == manifold_pkey_rsa_pss_padding() {
                guard EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, manifold_pkey_rsa_pss_saltlen_auto()) == 1 else { return false }
            }
        }
        let result = signature.withUnsafeBufferPointer { signatureBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count,
                                 messageBuffer.baseAddress ?? UnsafePointer(bitPattern: 1), messageBuffer.count)
            }
        }
        return result == 1
    }
}
