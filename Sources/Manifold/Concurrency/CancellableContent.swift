/// A ``ContentProvider`` that refuses every read once its flag is set: how the walk over
/// the image graph (verify's, inspect's, pack's inputs') stops when an async call is
/// cancelled, without the walkers knowing about cancellation.
///
/// It forwards everything else unchanged — location, kind, and the very ``StoredFile``s of
/// the provider it wraps, so blobs keep their `pread` path, their identity and `pack --link`.
/// A read refused throws `CancellationError`; the walk records it as a problem of that
/// descriptor and moves on to the next, which is refused at once too, and the async caller
/// throws `CancellationError` instead of returning what the walk made of it.
struct CancellableContent: ContentProvider {
    let base: any ContentProvider
    let cancellation: CancellationFlag

    var location: String { base.location }
    var kind: ImageSourceKind? { base.kind }

    func roots() throws -> [ContentRoot] {
        try checkCancellation()
        return try base.roots()
    }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        try checkCancellation()
        return try base.root(root, limit: limit)
    }

    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        try checkCancellation()
        return try base.document(descriptor, limit: limit)
    }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        try checkCancellation()
        return try base.blob(descriptor)
    }

    func file(at path: String) throws -> StoredFile? {
        try checkCancellation()
        return try base.file(at: path)
    }

    func blobPaths() throws -> [String]? {
        try checkCancellation()
        return try base.blobPaths()
    }

    private func checkCancellation() throws {
        if cancellation.isCancelled { throw CancellationError() }
    }
}
