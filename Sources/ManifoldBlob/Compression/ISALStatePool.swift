internal import CISAL

/// ISA-L inflate states, kept across blobs: each is a zeroed heap block of ~87 KB, and with
/// thousands of small gzip layers allocating and clearing one per blob shows in the profile.
///
/// A state taken from here is re-initialised (`isal_inflate_init`), and every gzip member
/// resets it again before inflating, so nothing of the blob before it is seen. Bounded: at
/// most ``maxIdle`` wait here (one per worker is all that is reused), the rest are freed.
final class ISALStatePool: Sendable {
    /// One per process: every ``ISALGzipDecompressor``'s.
    static let shared = ISALStatePool(maxIdle: 4)

    let maxIdle: Int
    private let idle = Locked([IdleState]())

    init(maxIdle: Int) {
        self.maxIdle = maxIdle
    }

    /// An initialised state: an idle one when there is one. Nil when memory is short.
    func take() -> UnsafeMutablePointer<inflate_state>? {
        guard let state = idle.withLock({ $0.popLast() })?.state ?? manifold_isal_inflate_new() else { return nil }
        isal_inflate_init(state)
        return state
    }

    /// Gives back a state from ``take()``; nothing may touch it afterwards.
    func give(_ state: UnsafeMutablePointer<inflate_state>) {
        let kept = idle.withLock { idle in
            guard idle.count < maxIdle else { return false }
            idle.append(IdleState(state: state))
            return true
        }
        if !kept { manifold_isal_inflate_free(state) }
    }

    /// Idle states (for tests).
    var idleCount: Int { idle.withLock { $0.count } }
}

/// An idle state.
///
/// `@unchecked Sendable`: a state in the pool belongs to nobody; whoever takes it out owns it.
private struct IdleState: @unchecked Sendable {
    let state: UnsafeMutablePointer<inflate_state>
}
