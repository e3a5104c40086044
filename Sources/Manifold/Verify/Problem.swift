/// One way content differs from what its descriptor or the spec says.
public struct Problem: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The byte count differs from the declared size.
        case size
        /// The digest of the stored bytes differs from the declared digest.
        case digest
        /// The digest of the decompressed content differs from the config's diff_id.
        case diffID = "diff_id"
        /// The content does not decompress (corrupt, truncated, over a limit).
        case decompression
        /// The content's magic bytes disagree with the declared compression.
        case compression
        /// The blob is not in the image.
        case absent
        /// A document (index, manifest, config) is malformed or breaks a spec rule.
        case document
        /// The config's platform contradicts the index entry's.
        case platform
        /// The number of diff_ids differs from the number of layers.
        case diffIDCount = "diff_id_count"
        /// An index lists, where images belong, a descriptor of a config or layer media type:
        /// the index claims an image that is not one. (The document itself may be
        /// schema-valid: image-spec lets index entries carry any media type.)
        case mediaType = "media_type"
        /// A descriptor's `data` does not decode or does not match the blob.
        case data
        /// The image's container is wrong here: a symlinked blob, a path leaving the archive.
        case layout
        /// Something manifold does not support (Docker schema 1).
        case unsupported
        /// The blob could not be read (an I/O error, a file shorter than the archive says).
        case unreadable
        /// The image asks for more than a limit allows (more descriptors than --max-descriptors).
        case limit
        /// A signature requirement is not met (`verify --key`), or a valid signature is
        /// attached to another manifest than the one its payload names.
        case signature
    }

    public let kind: Kind
    public let expected: String?
    public let actual: String?
    public let message: String

    public init(_ kind: Kind, expected: String? = nil, actual: String? = nil, message: String) {
        self.kind = kind
        self.expected = expected
        self.actual = actual
        self.message = message
    }

    public var description: String { message }
}
