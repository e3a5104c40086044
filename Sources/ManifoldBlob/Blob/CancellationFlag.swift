import Synchronization

/// Set once to ask long work — a measurement, a copy, a walk — to stop: the work polls it
/// before each chunk and throws `CancellationError`. The async API sets it when its `Task`
/// is cancelled; one mechanism for every caller. (Internal stages stop each other with
/// ``Flag``; this one crosses the target boundary, so it has a name a client cannot confuse
/// with argument-parser's `@Flag`.)
package final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)

    package init() {}

    package func cancel() { value.store(true, ordering: .releasing) }
    package var isCancelled: Bool { value.load(ordering: .acquiring) }
}
