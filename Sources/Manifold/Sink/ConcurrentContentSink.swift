/// A ``ContentSink`` that takes blobs from several threads at once and can say which blobs
/// it holds already: a registry, where every blob is its own upload.
///
/// ``putBlob(_:from:)`` may be called concurrently, once per blob. It must not make the blob
/// visible until `body` returned without throwing: the caller checks the bytes as they are
/// read and throws from `body` when they are not what the descriptor says, and the blob is
/// then dropped. (A registry holds back the upload's end until then.) Documents, tags and
/// `commit` are called from one thread, after every blob.
public protocol ConcurrentContentSink: ContentSink, Sendable {
    /// `.present` when the destination holds `descriptor`'s blob already, `.mounted` when it
    /// could link it from elsewhere without bytes sent; nil when it must be put.
    func place(_ descriptor: Descriptor) throws -> BlobPlacement?

    /// Stores a manifest, an index or a config (exactly `bytes`) unless the destination holds
    /// it already, and says which it was (`.uploaded` or `.present`, or `.mounted` for a
    /// config linked from elsewhere).
    func publishDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws -> BlobPlacement

    /// Whether a ``putBlob(_:from:)`` that threw `error` may be tried again from the start,
    /// the blob read again (a connection lost in the middle of a one-request upload).
    func mayRetryPut(after error: any Error) -> Bool

    /// Stores a blob whose size and digest are known only once `body` emitted all of it (a
    /// layer compressed as it is sent): `body` returns the digest of what it emitted, under
    /// which the blob is then made visible. Throwing from `body` drops it.
    func putBlob(digestAtEnd body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Digest) throws
}

extension ConcurrentContentSink {
    public func mayRetryPut(after error: any Error) -> Bool { false }

    public func putBlob(digestAtEnd body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Digest) throws {
        throw ManifoldError(.invalidArgument, "this destination cannot take a blob whose digest is known only once it is sent")
    }
}
