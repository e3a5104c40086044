// https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests

/// The algorithm part of a digest, such as `sha256`.
///
/// Any string in the OCI algorithm grammar is a valid algorithm; only the registered ones
/// that manifold can compute (``sha256`` and ``sha512``) are verifiable.
public struct DigestAlgorithm: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// SHA-256: 64 lowercase hex characters. The algorithm of nearly every image.
    public static let sha256 = DigestAlgorithm(unchecked: "sha256")
    /// SHA-512: 128 lowercase hex characters.
    public static let sha512 = DigestAlgorithm(unchecked: "sha512")

    /// The algorithms manifold computes.
    public static let verifiable: [DigestAlgorithm] = [.sha256, .sha512]

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// Accepts any algorithm in the OCI grammar `[a-z0-9]+([+._-][a-z0-9]+)*`.
    public init(_ rawValue: String) throws {
        guard Self.isGrammatical(rawValue.utf8) else {
            throw ManifoldError(
                .invalidDigest,
                "invalid digest algorithm \(quoted(rawValue)): expected [a-z0-9]+([+._-][a-z0-9]+)*")
        }
        self.rawValue = rawValue
    }

    /// Whether manifold can compute this algorithm.
    public var isVerifiable: Bool { encodedLength != nil }

    /// The length of the lowercase-hex encoding for a registered algorithm, nil otherwise.
    public var encodedLength: Int? {
        switch rawValue {
        case "sha256": 64
        case "sha512": 128
        default: nil
        }
    }

    /// The number of bytes the hash function produces, for a verifiable algorithm.
    var byteCount: Int? { encodedLength.map { $0 / 2 } }

    public var description: String { rawValue }

    static func isGrammatical(_ bytes: String.UTF8View) -> Bool {
        // Components of [a-z0-9]+ joined by single separators from [+._-].
        var previousWasSeparator = true  // so a leading separator fails
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousWasSeparator = false
            case UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                if previousWasSeparator { return false }
                previousWasSeparator = true
            default:
                return false
            }
        }
        return !previousWasSeparator  // also rejects the empty string and a trailing separator
    }
}
