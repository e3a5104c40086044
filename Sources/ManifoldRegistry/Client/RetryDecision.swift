/// What ``RetryPolicy/decision(afterAttempt:retryAfter:elapsed:now:)`` says after a failed
/// attempt: wait this long and try again, or stop, for the reason given (for the error).
package enum RetryDecision: Equatable, Sendable {
    case wait(Duration)
    /// Why no further attempt is made: the attempts are used up, the server asks for a wait
    /// longer than the cap, or the wait would pass the overall budget. Said in the error.
    case giveUp(String)
}
