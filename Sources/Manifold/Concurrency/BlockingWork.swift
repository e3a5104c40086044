import Dispatch

/// Runs the library's blocking work — `pread`, the measurers' pipeline threads, waits on
/// them — for an async caller, on a thread of Dispatch's and never on a Swift concurrency
/// executor thread, whose pool is as small as the machine's core count and must not block.
///
/// The task's cancellation sets a ``CancellationFlag`` that the work polls at chunk granularity (the
/// measurement scheduler, ``BlobCopier``, the document reads of ``CancellableContent``), so a
/// cancelled call returns soon after, however large the blob being read.
enum BlockingWork {
    /// Runs `work` on a thread of its own and resumes with its result. When the task is
    /// cancelled — before or while `work` runs — `work`'s flag is set; a `work` that then
    /// throws, throws `CancellationError`, whatever it threw.
    static func run<Value: Sendable>(_ work: @escaping @Sendable (CancellationFlag) throws -> Value) async throws -> Value {
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                // Its own serial queue, as BlobCopier's and the pipeline's stages have: a
                // thread at once, however many calls are waiting, so calls started together
                // run together rather than queue behind the global pool's few threads.
                DispatchQueue(label: "manifold.blocking-work").async {
                    do {
                        continuation.resume(returning: try work(cancellation))
                    } catch {
                        // A read that failed because the work was stopped says nothing about
                        // the image; the caller asked to stop, and that is what it learns.
                        continuation.resume(throwing: cancellation.isCancelled ? CancellationError() : error)
                    }
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
