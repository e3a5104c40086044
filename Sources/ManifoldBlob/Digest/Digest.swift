// https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests

/// A content digest, `algorithm:encoded`, validated against the OCI grammar.
///
/// A `Digest` value is always grammatical, and for a registered algorithm its encoded part is
/// lowercase hex of the right length, so it is safe to build a path from. A digest whose
/// algorithm is not registered is valid but cannot be verified (``isVerifiable`` is false).
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let algorithm: DigestAlgorithm
    public let encoded: String

    /// Parses `algorithm:encoded`, rejecting anything outside the grammar.
    public init(parsing string: String) throws {
        // Split on the UTF-8 bytes, never on Characters: ":" followed by a combining mark is
        // one Character, and stepping over it would silently drop the mark (found by the
        // digest fuzzer: "bl:\u{31E}bec" parsed as "bl:bec").
        let utf8 = string.utf8
        // Nearly every digest is sha256: its algorithm is taken as the constant it is, not
        // parsed (every descriptor and diff_id of a wide image comes through here).
        if utf8.count == 71, utf8.starts(with: "sha256:".utf8) {
            try self.init(algorithm: .sha256, encoded: String(Substring(utf8.dropFirst(7))), original: string)
            return
        }
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else {
            throw ManifoldError(.invalidDigest, "invalid digest \(quoted(string)): expected algorithm:encoded")
        }
        let algorithmPart = String(decoding: utf8[..<colon], as: UTF8.self)
        let encodedPart = String(decoding: utf8[utf8.index(after: colon)...], as: UTF8.self)
        let algorithm: DigestAlgorithm
        if DigestAlgorithm.isGrammatical(algorithmPart.utf8) {
            algorithm = try DigestAlgorithm(algorithmPart)
        } else {
            throw ManifoldError(
                .invalidDigest,
                "invalid digest \(quoted(string)): algorithm \(quoted(algorithmPart)) is not [a-z0-9]+([+._-][a-z0-9]+)*")
        }
        try self.init(algorithm: algorithm, encoded: encodedPart, original: string)
    }

    /// Builds a digest from its parts, with the same validation as ``init(parsing:)``.
    public init(algorithm: DigestAlgorithm, encoded: String) throws {
        try self.init(algorithm: algorithm, encoded: encoded, original: "\(algorithm):\(encoded)")
    }

    private init(algorithm: DigestAlgorithm, encoded: String, original: String) throws {
        if let length = algorithm.encodedLength {
            guard encoded.utf8.count == length, isAllLowercaseHex(encoded) else {
                throw ManifoldError(
                    .invalidDigest,
                    "invalid digest \(quoted(original)): \(algorithm) needs \(length) lowercase hex characters")
            }
        } else {
            guard !encoded.isEmpty, encoded.utf8.allSatisfy(isEncodedCharacter) else {
                throw ManifoldError(
                    .invalidDigest,
                    "invalid digest \(quoted(original)): encoded part must be [a-zA-Z0-9=_-]+")
            }
        }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    /// A digest of a verifiable algorithm from the raw bytes a hash function produced.
    init(algorithm: DigestAlgorithm, hashBytes: some Collection<UInt8>) {
        precondition(hashBytes.count == algorithm.byteCount, "hash length does not match \(algorithm)")
        self.algorithm = algorithm
        self.encoded = hexString(hashBytes)
    }

    /// Whether manifold can compute this digest's algorithm.
    public var isVerifiable: Bool { algorithm.isVerifiable }

    /// `algorithm:encoded`.
    public var description: String { "\(algorithm.rawValue):\(encoded)" }

    /// A short form for people: the algorithm and the first 12 characters.
    public var abbreviated: String { "\(algorithm.rawValue):\(encoded.prefix(12))" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(parsing: string)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Whether every byte of `text` is lowercase hex: over the contiguous bytes when the string
/// has them (every digest of every document is checked, thousands in a wide image).
private func isAllLowercaseHex(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isLowercaseHex) } ?? text.utf8.allSatisfy(isLowercaseHex)
}

private func isLowercaseHex(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
}

private func isEncodedCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "="), UInt8(ascii: "_"), UInt8(ascii: "-"):
        true
    default:
        false
    }
}

func hexString(_ bytes: some Collection<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
