/// The JWS `alg` values Notation signs with (RFC 7518): ECDSA on P-256/P-384/P-521 with raw
/// r‖s signatures, and RSASSA-PSS with a salt as long as the hash.
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"

    var hashBits: Int {
        switch self {
        case .es256, .ps256: 256
        case .es384, .ps384: 384
        case .es512, .ps512: 512
        }
    }

    var isPSS: Bool { self == .ps256 || self == .ps384 || self == .ps512 }

    /// The curve's size: ES512 is P-521.
    var curveBits: Int { hashBits == 512 ? 521 : hashBits }
    /// Bytes of r (and of s) in a raw ECDSA signature.
    var coordinateBytes: Int { (curveBits + 7) / 8 }
}
