/// What a descriptor says a blob is.
public struct BlobExpectation: Sendable, Hashable {
    /// The declared size in bytes.
    public var size: Int64?
    /// The declared digest of the stored bytes.
    public var digest: Digest?
    /// The digest of the decompressed content (the config's `rootfs.diff_ids` entry).
    public var diffID: Digest?
    /// The compression the media type declares; nil means "sniff it".
    public var compression: Compression?

    public init(size: Int64? = nil, digest: Digest? = nil, diffID: Digest? = nil, compression: Compression? = nil) {
        self.size = size
        self.digest = digest
        self.diffID = diffID
        self.compression = compression
    }
}
