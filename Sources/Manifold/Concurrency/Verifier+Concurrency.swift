extension Verifier {
    /// Verifies the image at `path`, as the blocking `verify(_:progress:)` does, from Swift
    /// concurrency: the reads and the measuring pipelines run on Dispatch threads, never on
    /// the caller's executor. Cancelling the task stops the walk, starts no further blob and
    /// stops the blobs being measured at their next chunk; the call then throws
    /// `CancellationError`. Throws nothing else: an image that cannot be used is a report
    /// with status `unusable`.
    public func verify(_ path: String, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) async throws -> VerificationReport {
        try await verify(LocalImageReference(path: path), progress: progress)
    }

    /// Verifies the images `text` names (`PATH:TAG`, `oci-archive:FILE@sha256:…`), async and
    /// cancellable as `verify(_:progress:)` is.
    public func verify(parsing text: String, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) async throws -> VerificationReport {
        let reference: LocalImageReference
        do {
            reference = try LocalImageReference(parsing: text)
        } catch {
            return .unusable(text, kind: nil, error: asManifoldError(error), seconds: 0)
        }
        return try await verify(reference, progress: progress)
    }

    /// Verifies the images `reference` names, async and cancellable.
    public func verify(_ reference: LocalImageReference, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) async throws -> VerificationReport {
        try await BlockingWork.run { cancellation in
            let start = monotonicSeconds()
            switch open(reference, start: start) {
            case .success(let source):
                return try verifyUnlessCancelled(source, reference: reference, progress: progress, start: start, cancellation: cancellation)
            case .failure(let unusable):
                return unusable.report
            }
        }
    }

    /// Verifies the images a content provider holds, async and cancellable. The provider's
    /// methods are called from Dispatch threads, several at once (see ``ContentProvider``).
    public func verify(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                       progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) async throws -> VerificationReport {
        try await BlockingWork.run { cancellation in
            try verifyUnlessCancelled(source, reference: reference ?? LocalImageReference(path: source.location), progress: progress,
                                      start: monotonicSeconds(), cancellation: cancellation)
        }
    }

    /// The verification with the walk's reads refused once `cancellation` is set; a report
    /// made after that is incomplete, so it is never returned.
    private func verifyUnlessCancelled(_ source: any ContentProvider, reference: LocalImageReference,
                                       progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)?, start: Double,
                                       cancellation: CancellationFlag) throws -> VerificationReport {
        let report = verify(CancellableContent(base: source, cancellation: cancellation), reference: reference,
                            progress: progress, start: start, cancellation: cancellation)
        if cancellation.isCancelled { throw CancellationError() }
        return report
    }
}
