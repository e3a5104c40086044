/// What one pass over a blob found: its size and digest, and for a compressed blob the size
/// and digest of the decompressed content (a layer's diff_id).
public struct BlobMeasurement: Sendable {
    /// Bytes read.
    public var size: UInt64
    /// Digest of the bytes as stored, when it was asked for.
    public var digest: Digest?
    /// What the first bytes look like, whatever was declared.
    public var sniffedCompression: Compression
    /// The compression the content was decompressed as, or nil when decompression was not
    /// asked for.
    public var compression: Compression?
    /// Size of the decompressed content; equals ``size`` for uncompressed content.
    public var uncompressedSize: UInt64?
    /// Digest of the decompressed content; for uncompressed content, of the bytes themselves.
    public var uncompressedDigest: Digest?
    /// Why the content could not be decompressed, when it could not. The stored-bytes digest
    /// is still complete: the blob is always read to its end.
    public var decompressionError: ManifoldError?
}
