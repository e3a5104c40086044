import Dispatch
import Synchronization

/// Runs planned measurements on a bounded pool, largest blob first, so the longest job
/// starts at once and small ones fill the gaps at the end.
struct MeasurementScheduler {
    let jobs: Int

    /// Progress: bytes read so far, of `total`.
    typealias Progress = @Sendable (_ done: UInt64, _ total: UInt64) -> Void

    /// Once `cancellation` is set no blob is started, and those being measured stop at their
    /// next chunk (their outcome: `CancellationError`).
    /// `measure`, when given, measures planned blob `index` with `check` instead of
    /// ``BlobCheck/measure(_:)`` (a copy writes the bytes as it measures them).
    func run(_ planned: [PlannedMeasurement], progress: Progress?, cancellation: CancellationFlag? = nil,
             measure: (@Sendable (_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement)? = nil) -> [Result<BlobMeasurement, any Error>] {
        let order = planned.indices.sorted { planned[$0].file.size > planned[$1].file.size }
        let total = planned.reduce(UInt64(0)) { $0 + $1.file.size }
        let done = Atomic<UInt64>(0)
        let next = Atomic<Int>(0)
        let outcomes = Locked([Result<BlobMeasurement, any Error>?](repeating: nil, count: planned.count))
        let work = SendablePlan(planned: planned, order: order)
        let workers = max(1, min(jobs, planned.count))
        // As in BlobCheck's batch: pipeline threads come from their own queues, so a
        // worker blocked on its pipeline never starves another worker's.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let slot = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard slot < work.order.count, cancellation?.isCancelled != true else { return }
                let index = work.order[slot]
                var check = work.planned[index].check
                check.cancellation = cancellation
                if let progress {
                    check.progress = { count in
                        let now = done.wrappingAdd(UInt64(count), ordering: .relaxed).newValue
                        progress(now, total)
                    }
                }
                let outcome = Result { try measure?(index, check) ?? check.measure(work.planned[index].file.input) }
                outcomes.withLock { $0[index] = outcome }
            }
        }
        return outcomes.withLock { $0.map { $0 ?? .failure(ManifoldError(.internalFailure, "measurement was not run")) } }
    }
}

/// The plan, shared read-only by the workers.
///
/// `@unchecked Sendable`: never mutated after creation; `PlannedMeasurement` holds only
/// Sendable values (a `StoredFile` and a `BlobCheck`).
private struct SendablePlan: @unchecked Sendable {
    let planned: [PlannedMeasurement]
    let order: [Int]
}
