import Manifold

/// A one-line progress display on stderr ("123.4 MB / 312.4 MB, 150.2 MB/s"), redrawn at most
/// ten times a second, for runs on a terminal.
final class ProgressLine: Sendable {
    private let label: String
    private let start = monotonicSeconds()
    private let lastDraw = Locked(0.0)

    init(label: String) { self.label = label }

    func update(_ done: UInt64, _ total: UInt64) {
        let now = monotonicSeconds()
        let draw = lastDraw.withLock { last -> Bool in
            guard now - last >= 0.1 else { return false }
            last = now
            return true
        }
        guard draw else { return }
        let rate = Double(done) / max(now - start, 0.001)
        Terminal.progress("\(label): \(formatBytes(done)) / \(formatBytes(total)), \(formatBytes(UInt64(rate)))/s")
    }

    func clear() { Terminal.progress("") }
}
