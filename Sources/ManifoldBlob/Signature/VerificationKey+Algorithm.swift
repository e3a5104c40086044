internal import COpenSSL

extension VerificationKey.Algorithm {
    /// The algorithm of a parsed key, checked as both key kinds require: an ECDSA curve of
    /// P-256 or P-384, an RSA key of 2048 bits at least. `acceptsRSAPSS`: a public key
    /// restricted to RSA-PSS (`EVP_PKEY_RSA_PSS`) verifies PS* signatures; a private key of
    /// that kind cannot make the PKCS#1 v1.5 signatures cosign writes. Frees nothing: the
    /// caller owns `key`, whatever this throws. `name` is the file, for the error.
    init(of key: OpaquePointer, name: String, acceptsRSAPSS: Bool) throws {
        let unsupported = ManifoldError(.invalidArgument, "\(name): unsupported key type (ECDSA P-256/P-384, RSA and Ed25519 are supported)")
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA_PSS where !acceptsRSAPSS:
            throw unsupported
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            let bits = EVP_PKEY_get_bits(key)
            guard bits >= 2048 else {
                throw ManifoldError(.invalidArgument, "\(name): RSA key of \(bits) bits is too weak (2048 at least)")
            }
            self = .rsa
        case EVP_PKEY_ED25519:
            self = .ed25519
        case EVP_PKEY_EC:
            var group = [CChar](repeating: 0, count: 64)
            var length = 0
            _ = EVP_PKEY_get_group_name(key, &group, group.count, &length)
            let curve = String(decoding: group.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch curve {
            case "prime256v1", "P-256": self = .ecdsaP256
            case "secp384r1", "P-384": self = .ecdsaP384
            default:
                throw ManifoldError(.invalidArgument, "\(name): ECDSA curve \(curve.isEmpty ? "(unnamed)" : curve) is not supported (P-256 and P-384 are)")
            }
        default:
            throw unsupported
        }
    }
}
