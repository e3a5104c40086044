import Manifold

/// The time a whole run may spend talking to registries (`--timeout`): every transfer is
/// given what is left of it as its own deadline, no retry starts once it has passed, and a
/// transfer it cut short fails with an error naming the limit. Fixed when made, so every
/// client of a run shares the same end.
public struct RegistryDeadline: Sendable {
    /// The limit as given.
    public let limit: Duration
    /// How the limit is named in messages (`--timeout 30s`).
    public let label: String
    let end: ContinuousClock.Instant

    /// A limit counted from `start`.
    public init(limit: Duration, label: String? = nil, from start: ContinuousClock.Instant = .now) {
        self.limit = limit
        self.label = label ?? "\(limit)"
        end = start + limit
    }

    /// What is left (zero once passed).
    public var remaining: Duration { max(end - .now, .zero) }

    public var hasPassed: Bool { ContinuousClock.now >= end }

    /// Whether a transfer that timed out now was ended by this deadline: curl counts its
    /// timeout in whole milliseconds on its own clock, so it may fire a little before `end`
    /// by ours (seen: 1,996 ms of a 2 s limit).
    var endedTransfer: Bool { ContinuousClock.now >= end - .milliseconds(250) }
}
