#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Measures planned blobs on a bounded set of workers while the walk is still finding them:
/// the walk (on the caller's thread) ``submit(_:)``s each measurement as it plans it, and
/// the workers take the largest one waiting, so measuring starts with the first blob found
/// and, once the walk is done, what is left goes largest first (the longest job starts
/// early, small ones fill the gaps at the end).
///
/// Outcomes are kept by submission index, never in the order workers finish, so the report
/// built from them does not depend on the timing.
///
/// Threading: `submit`, ``finish()`` and ``abandon()`` from one thread (the walk's);
/// measurements run on the workers' threads. Once something was submitted, call `finish`
/// or `abandon` (the workers hold the scheduler until then).
final class MeasurementScheduler: @unchecked Sendable {
    /// Progress: bytes read so far, of `total` (the bytes of the blobs found so far: it grows
    /// while the walk goes on, and is the whole once the walk is done).
    typealias Progress = @Sendable (_ done: UInt64, _ total: UInt64) -> Void

    let jobs: Int
    private let progress: Progress?
    private let cancellation: CancellationFlag?
    private let measure: (@Sendable (_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement)?
    private let state = Locked(Pending())
    /// One signal per submitted measurement, and one per worker once closed: a worker that
    /// wakes to an empty queue knows nothing more will come and ends.
    private let available = DispatchSemaphore(value: 0)
    /// Measurements queued but not yet signalled. Workers measure small blobs faster than
    /// the walk finds them, so a signal per blob would wake a sleeping worker (two futex
    /// calls) per blob: they are signalled by the batch, and a large blob at once.
    private var unsignalled = 0
    private static let batch = 16
    private let workers = DispatchGroup()
    private let done = Atomic<UInt64>(0)
    private let total = Atomic<UInt64>(0)
    /// Set by ``abandon()``: measurements not yet started are not.
    private let stopped = Atomic<Bool>(false)
    private var started = false
    private var closed = false

    /// Once `cancellation` is set no blob is started, and those being measured stop at their
    /// next chunk (their outcome: `CancellationError`).
    /// `measure`, when given, measures blob `index` (in submission order) with `check`
    /// instead of ``BlobCheck/measure(_:)``: a copy writes the bytes as it measures them.
    init(jobs: Int, progress: Progress?, cancellation: CancellationFlag? = nil,
         measure: (@Sendable (_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement)? = nil) {
        // No more workers than cores, as `concurrentPerform` ran them before measuring
        // overlapped the walk: the default (cores + 1) then measures as many blobs at once,
        // and holds as many buffer sets, as it did.
        self.jobs = max(1, min(jobs, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        self.progress = progress
        self.cancellation = cancellation
        self.measure = measure
    }

    /// Queues a measurement; its outcome is at the index of this call among all of them.
    /// The workers start with the first.
    func submit(_ planned: PlannedMeasurement) {
        precondition(!closed, "submit after finish")
        total.wrappingAdd(planned.file.size, ordering: .relaxed)
        state.withLock { $0.push(planned) }
        unsignalled += 1
        if unsignalled >= Self.batch || planned.file.size > UInt64(BlobReader.defaultChunkSize) { signalQueued() }
        if !started {
            started = true
            for _ in 0..<jobs { startWorker() }
        }
    }

    /// Waits for every submitted measurement and returns their outcomes in submission order.
    func finish() -> [Result<BlobMeasurement, any Error>] {
        close()
        return state.withLock { pending in
            pending.outcomes.map { $0 ?? .failure(ManifoldError(.internalFailure, "measurement was not run")) }
        }
    }

    /// Gives up: no measurement starts any more, and this returns once those running ended
    /// (the walk failed, so their outcomes are not wanted).
    func abandon() {
        stopped.store(true, ordering: .releasing)
        close()
    }

    private func close() {
        guard !closed else { return }
        closed = true
        guard started else { return }
        signalQueued()
        for _ in 0..<jobs { available.signal() }
        workers.wait()
    }

    private func signalQueued() {
        for _ in 0..<unsignalled { available.signal() }
        unsignalled = 0
    }

    private func startWorker() {
        // Each worker on a serial queue of its own, as the pipeline's stages are: a thread
        // of its own, so a worker blocked on its pipeline never starves another's, and none
        // waits behind the width-limited global queue.
        DispatchQueue(label: "manifold.measure").async(group: workers) { [self] in
            while true {
                available.wait()
                guard let (index, planned) = state.withLock({ $0.popLargest() }) else { return }
                if stopped.load(ordering: .acquiring) || cancellation?.isCancelled == true { continue }
                var check = planned.check
                check.cancellation = cancellation
                if let progress {
                    check.progress = { [self] count in
                        let now = done.wrappingAdd(UInt64(count), ordering: .relaxed).newValue
                        progress(now, total.load(ordering: .relaxed))
                    }
                }
                let outcome = Result { try measure?(index, check) ?? check.measure(planned.file.input) }
                state.withLock { $0.outcomes[index] = outcome }
            }
        }
    }

    /// The measurements submitted, those waiting (a max-heap by stored size, the earlier
    /// submission first among equals), and the outcomes so far.
    private struct Pending {
        var planned: [PlannedMeasurement] = []
        var outcomes: [Result<BlobMeasurement, any Error>?] = []
        private var heap: [Int] = []

        mutating func push(_ measurement: PlannedMeasurement) {
            planned.append(measurement)
            outcomes.append(nil)
            heap.append(planned.count - 1)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard before(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func popLargest() -> (Int, PlannedMeasurement)? {
            guard !heap.isEmpty else { return nil }
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var first = parent
                    if left < heap.count, before(heap[left], heap[first]) { first = left }
                    if right < heap.count, before(heap[right], heap[first]) { first = right }
                    if first == parent { break }
                    heap.swapAt(parent, first)
                    parent = first
                }
            }
            return (top, planned[top])
        }

        /// Whether measurement `a` goes before `b`: the larger first, then the earlier.
        private func before(_ a: Int, _ b: Int) -> Bool {
            let sizeA = planned[a].file.size, sizeB = planned[b].file.size
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
    }
}
