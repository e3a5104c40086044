/// A blob's bytes as a content provider hands them out: front to back, in chunks of any size.
///
/// This is how bytes that do not sit in a local file (a registry's response body, an
/// in-memory image) reach the same measurement as files do. Chunk sizes need not be fixed:
/// each chunk goes straight to the measurer, which gathers the bytes into its own fixed-size
/// buffers.
public protocol BlobChunkIterator {
    /// The next bytes of the blob, or nil at its end. An empty chunk is allowed and skipped.
    /// Throws when the bytes cannot be had (the message should say why, e.g. a network error).
    mutating func next() throws -> [UInt8]?
}
