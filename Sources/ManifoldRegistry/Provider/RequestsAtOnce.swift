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
    /// many platforms asks four questions of each. Each worker opens a connection of its own,
    /// and over TLS each costs a handshake and a parse of the CA bundle (~1.5 MiB held while
    /// its handle is pooled): at 16, a TLS pull of a two-platform index opened 12 of them for
    /// its 12 lookups, +0.15 s and +15 MiB; at 4, +4 MiB, and the 12 lookups take three round
    /// trips instead of one.
    static let width = 4

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
