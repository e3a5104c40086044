internal import COpenSSL

/// An X.509 certificate from a signature's chain or a trust store, read through OpenSSL.
/// Answers what a Notation check asks of it: its subject, validity, key usages, and whether
/// a JWS signature is its key's.
///
/// `@unchecked Sendable`: never changed after `init`; OpenSSL allows concurrent reads.
public final class Certificate: @unchecked Sendable {
    /// The X509 object, for ``TrustStore`` (owned by this object).
    let pointer: OpaquePointer

    /// Parses one DER certificate (an `x5c` entry).
    public init(der: [UInt8]) throws {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var start = buffer.baseAddress
            return d2i_X509(nil, &start, buffer.count)
        }
        ERR_clear_error()
        guard let parsed else { throw ManifoldError(.invalidDocument, "not a DER X.509 certificate") }
        pointer = parsed
    }

    private init(owning pointer: OpaquePointer) { self.pointer = pointer }

    /// Every certificate of a PEM file's text (`-----BEGIN CERTIFICATE-----` blocks).
    public static func all(pem: [UInt8]) -> [Certificate] {
        var certificates: [Certificate] = []
        pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return }
            defer { BIO_free(bio) }
            while let next = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(Certificate(owning: next))
            }
        }
        ERR_clear_error()
        return certificates
    }

    deinit { X509_free(pointer) }

    /// The subject's attributes in order, by their short names: `[("C", "US"), ("CN", "…")]`.
    public var subjectAttributes: [(name: String, value: String)] {
        guard let name = X509_get_subject_name(pointer) else { return [] }
        var attributes: [(name: String, value: String)] = []
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index),
                  let object = X509_NAME_ENTRY_get_object(entry),
                  let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            let nid = OBJ_obj2nid(object)
            let short = nid == NID_undef ? "" : OBJ_nid2sn(nid).map { String(cString: $0) } ?? ""
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else { continue }
            attributes.append((short, String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)))
            CRYPTO_free(utf8, #fileID, #line)
        }
        ERR_clear_error()
        return attributes
    }

    /// `C=US, ST=WA, …, CN=…`, the way Notation's trusted identities spell a subject.
    public var subject: String { subjectAttributes.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }

    /// Whether `seconds` (since the epoch) is within notBefore…notAfter.
    public func isValid(at seconds: Int64) -> Bool {
        var time = time_t(seconds)
        guard let notBefore = X509_get0_notBefore(pointer), let notAfter = X509_get0_notAfter(pointer) else { return false }
        // X509_cmp_time: -1 when the certificate's time is earlier than `time`, 1 when later, 0 on error.
        let started = X509_cmp_time(notBefore, &time) == -1
        let ended = X509_cmp_time(notAfter, &time) == -1
        return started && !ended
    }

    /// notBefore and notAfter as OpenSSL prints them, for reports.
    public var validity: String {
        func text(_ time: UnsafePointer<ASN1_TIME>?) -> String {
            guard let time, let bio = BIO_new(BIO_s_mem()) else { return "?" }
            defer { BIO_free(bio) }
            _ = ASN1_TIME_print(bio, time)
            var bytes = [UInt8](repeating: 0, count: 64)
            let count = BIO_read(bio, &bytes, Int32(bytes.count))
            return count > 0 ? String(decoding: bytes.prefix(Int(count)), as: UTF8.self) : "?"
        }
        return "\(text(X509_get0_notBefore(pointer))) to \(text(X509_get0_notAfter(pointer)))"
    }

    /// Key usage digitalSignature: present when the extension is absent too (RFC 5280: no
    /// extension, no restriction), as OpenSSL reports it.
    public var allowsDigitalSignature: Bool {
        X509_get_key_usage(pointer) & UInt32(KU_DIGITAL_SIGNATURE) != 0
    }

    /// Extended key usage codeSigning, present explicitly (Notation requires it).
    public var allowsCodeSigning: Bool {
        let usage = X509_get_extended_key_usage(pointer)
        // UINT32_MAX: no extension at all, which Notation does not accept for signing.
        return usage != UInt32.max && usage & UInt32(XKU_CODE_SIGN) != 0
    }

    /// Whether the certificate is a CA (basicConstraints CA:TRUE).
    public var isCA: Bool { X509_check_ca(pointer) != 0 }

    /// The public key's kind: `EC P-256`, `RSA 2048`… for reports and algorithm checks.
    public var keyDescription: (type: String, bits: Int) {
        guard let key = X509_get0_pubkey(pointer) else { return ("?", 0) }
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: return ("RSA", bits)
        case EVP_PKEY_EC: return ("EC", bits)
        case EVP_PKEY_ED25519: return ("Ed25519", bits)
        default: return ("?", bits)
        }
    }

    /// Whether `signature` is this certificate's key's JWS signature (`alg`) over `message`.
    public func verifyJWS(_ signature: [UInt8], over message: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        defer { ERR_clear_error() }
        guard let key = X509_get0_pubkey(pointer) else { return false }
        let (type, bits) = keyDescription
        var signature = signature
        switch algorithm {
        case .es256, .es384, .es512:
            // The curve goes with the algorithm (RFC 7518 §3.4): P-256 with ES256…
            guard type == "EC", bits == algorithm.curveBits, signature.count == 2 * algorithm.coordinateBytes else { return false }
            var der: UnsafeMutablePointer<UInt8>?
            let length = signature.withUnsafeBufferPointer { manifold_ecdsa_raw_to_der($0.baseAddress, algorithm.coordinateBytes, &der) }
            guard length > 0, let der else { return false }
            signature = Array(UnsafeBufferPointer(start: der, count: Int(length)))
            free(der)
        case .ps256, .ps384, .ps512:
            guard type == "RSA", bits >= 2048 else { return false }
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        let digest: OpaquePointer? = switch algorithm.hashBits {
        case 256: EVP_sha256()
        case 384: EVP_sha384()
        default: EVP_sha512()
        }
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, key) == 1 else { return false }
        if algorithm.isPSS {
            guard let keyContext,
                  EVP_PKEY_CTX_set_rsa_padding(keyContext, manifold_pkey_rsa_pss_padding()) == 1,
                  // JWS PS*: the salt is as long as the hash (RFC 7518 §3.5).
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, manifold_pkey_rsa_pss_saltlen_digest()) == 1
            else { return false }
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
