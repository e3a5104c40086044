import Manifold

/// Pull's progress on a terminal's stderr: one line per blob being downloaded (its digest,
/// bytes so far of its size, its rate) above a total line (bytes checked of the image's, the
/// overall rate), redrawn in place at most ten times a second. A blob's line goes once it is
/// complete. Never used when stderr is not a terminal, nor with --quiet or --json.
final class TransferBoard: Sendable {
    private struct Blob {
        var done: UInt64
        let size: UInt64
        let started: Double
    }

    private struct State {
        var blobs: [(digest: Digest, blob: Blob)] = []
        var done: UInt64 = 0
        var total: UInt64 = 0
        var lastDraw = 0.0
        /// Lines drawn last time (the cursor is on the last one's line).
        var drawn = 0
    }

    private let label: String
    private let start = monotonicSeconds()
    private let state = Locked(State())
    /// The most blob lines shown (the others still count in the total).
    private let maxLines = 8

    init(label: String) { self.label = label }

    /// The callbacks a push reports through: the total checked, and each blob's bytes sent.
    var pushCallbacks: (progress: @Sendable (UInt64, UInt64) -> Void, blobProgress: ImagePusher.BlobProgress) {
        ({ done, total in self.total(done, total) }, { digest, done, size in self.blob(digest, done, size) })
    }

    /// A registry blob's bytes so far.
    func blob(_ digest: Digest, _ done: UInt64, _ size: UInt64) {
        let now = monotonicSeconds()
        state.withLock { state in
            if let at = state.blobs.firstIndex(where: { $0.digest == digest }) {
                if done >= size {
                    state.blobs.remove(at: at)
                } else {
                    state.blobs[at].blob.done = done
                }
            } else if done < size {
                // A new line is drawn at once: every blob downloaded is seen, however fast.
                state.blobs.append((digest, Blob(done: done, size: size, started: now)))
                state.lastDraw = 0
            }
            drawIfDue(&state, now: now)
        }
    }

    /// The bytes checked so far, of the total found so far.
    func total(_ done: UInt64, _ total: UInt64) {
        let now = monotonicSeconds()
        state.withLock { state in
            state.done = done
            state.total = total
            drawIfDue(&state, now: now)
        }
    }

    /// Removes every line drawn, leaving the cursor where the board began.
    func clear() {
        state.withLock { state in
            var text = "\r\u{1B}[K"
            for _ in 0..<max(state.drawn - 1, 0) { text += "\u{1B}[1A\r\u{1B}[K" }
            state.drawn = 0
            Terminal.errorRaw(text)
        }
    }

    private func drawIfDue(_ state: inout State, now: Double) {
        guard now - state.lastDraw >= 0.1 else { return }
        state.lastDraw = now
        var lines: [String] = []
        for (digest, blob) in state.blobs.prefix(maxLines) {
            let rate = Double(blob.done) / max(now - blob.started, 0.001)
            lines.append("  \(digest.abbreviated)…  \(formatBytes(blob.done)) / \(formatBytes(blob.size)), \(formatBytes(UInt64(rate)))/s")
        }
        if state.blobs.count > maxLines { lines.append("  … and \(state.blobs.count - maxLines) more") }
        let rate = Double(state.done) / max(now - start, 0.001)
        lines.append("\(label): \(formatBytes(state.done)) / \(formatBytes(state.total)), \(formatBytes(UInt64(rate)))/s")
        // Back to the first line drawn last time, then each line over what was there.
        var text = "\r"
        for _ in 0..<max(state.drawn - 1, 0) { text += "\u{1B}[1A" }
        text += lines.map { "\r\u{1B}[K" + $0 }.joined(separator: "\n")
        // Lines left over from a taller board: cleared, and the cursor brought back.
        let extra = state.drawn - lines.count
        if extra > 0 {
            for _ in 0..<extra { text += "\n\r\u{1B}[K" }
            text += "\u{1B}[\(extra)A"
        }
        state.drawn = lines.count
        Terminal.errorRaw(text)
    }
}
