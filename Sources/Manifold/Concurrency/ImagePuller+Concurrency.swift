extension ImagePuller {
    /// Pulls as the blocking ``pull(_:reference:progress:)`` does, from Swift concurrency: the
    /// reads, measurements and writes run on Dispatch threads, never on the caller's executor.
    /// Cancelling the task stops every blob at its next chunk, removes the staged blobs and
    /// the unfinished output — nothing is left at `options.output` — and throws
    /// `CancellationError`. A pull already committed returns its result.
    public func pull(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                     progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) async throws -> PullResult {
        let reference = reference ?? LocalImageReference(path: source.location)
        return try await BlockingWork.run { cancellation in
            try pull(source, reference: reference, progress: progress, cancellation: cancellation)
        }
    }
}
