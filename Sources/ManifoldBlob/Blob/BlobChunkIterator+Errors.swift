extension BlobChunkIterator {
    /// ``next()``, with whatever it throws turned into a ``ManifoldError``: a provider's own
    /// error (a network failure) becomes `.unreadable` with that error kept as the cause, so
    /// callers can put the blob's name in front of it as they do for a file's read errors.
    mutating func nextChunk() throws -> [UInt8]? {
        do {
            return try next()
        } catch let error as ManifoldError {
            throw error
        } catch {
            throw ManifoldError(.unreadable, "cannot read: \(error)", cause: error)
        }
    }
}
