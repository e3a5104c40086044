import Dispatch
import ManifoldBlob

/// Blocking registry requests run side by side, each on a thread of its own, so that they
/// cost the round trip of the slowest rather than the sum.
///
/// Not `DispatchQueue.concurrentPerform`: that runs no more iterations at once than there
/// are cores (two on a small CI runner, and one inside another `concurrentPerform`), while
/// a lookup spends its time waiting for the registry, not computing. A serial queue of its
/// own per worker runs on libdispatch's overcommitting pool, which starts a thread for it.
enum RequestsAtOnce {
    /// At most this many requests in flight; the rest wait for a worker. An index listing
    /// many platforms asks four questions of each: the bound keeps that to a burst the
    /// handle pool (16 idle handles) and a registry's per-client limits take in stride.
    static let width = 16

    /// `body(i)` for every `i` in `0..<count`, at most ``width`` at once; the results in
    /// the order of `i`, whatever order they finished in.
    static func run<Value: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
        guard count > 1 else { return (0..<count).map(body) }
        let results = Locked<[Int: Value]>([:])
        let next = Locked(0)
        let group = DispatchGroup()
        for _ in 0..<min(count, width) {
            DispatchQueue(label: "manifold.registry.lookup").async(group: group) {
                while true {
                    let i = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard i < count else { return }
                    let value = body(i)
                    results.withLock { $0[i] = value }
                }
            }
        }
        group.wait()
        let answers = results.withLock { $0 }
        return (0..<count).compactMap { answers[$0] }
    }
}
