/// One way a blob differs from what its descriptor says.
public struct BlobProblem: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The byte count differs from the declared size.
        case size
        /// The digest of the stored bytes differs from the declared digest.
        case digest
        /// The digest of the decompressed content differs from the diff_id.
        case diffID = "diff_id"
        /// The content does not decompress (corrupt, truncated, over a limit).
        case decompression
        /// The content's magic bytes disagree with the declared compression.
        case compression
    }

    public let kind: Kind
    public let expected: String?
    public let actual: String?
    public let message: String

    init(_ kind: Kind, expected: String?, actual: String?, message: String) {
        self.kind = kind
        self.expected = expected
        self.actual = actual
        self.message = message
    }

    public var description: String { message }
}
