import Dispatch
import Synchronization

extension BlobCheck {
    /// Measures several inputs, `jobs` at a time, and hands each result to `deliver` in
    /// input order as soon as it and every result before it are ready.
    ///
    /// `deliver` runs on a worker thread, one call at a time.
    public func measure(
        _ inputs: [BlobInput], jobs: Int,
        deliver: @Sendable (Int, Result<BlobMeasurement, any Error>) -> Void
    ) {
        let order = Locked(OrderedDelivery(count: inputs.count))
        let next = Atomic<Int>(0)
        let workers = max(1, min(jobs, inputs.count))
        // Each worker takes the next input; a blob's own pipeline threads come from separate
        // queues, so a worker waiting on them never holds up another worker's pipeline.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < inputs.count else { return }
                let result = Result { try measure(inputs[index]) }
                order.withLock { state in
                    state.ready[index] = result
                    while state.next < state.ready.count, let ready = state.ready[state.next] {
                        deliver(state.next, ready)
                        state.ready[state.next] = nil
                        state.next += 1
                    }
                }
            }
        }
    }
}

/// Results waiting for those before them.
private struct OrderedDelivery {
    var ready: [Result<BlobMeasurement, any Error>?]
    var next = 0
    init(count: Int) { ready = Array(repeating: nil, count: count) }
}
