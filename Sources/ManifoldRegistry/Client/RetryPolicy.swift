#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the registry client tries a request again: on connection errors (those that another
/// attempt may not meet), 408, 429 and 5xx; after an exponential backoff with jitter, or the
/// server's `Retry-After` (seconds or an HTTP-date), capped. Bounded in attempts and in time,
/// so a failing registry ends a run with its error instead of holding it: every wait counts
/// against one budget for the request (``timeBudget``), a wait that would end past it is not
/// begun, and a `Retry-After` longer than ``maxRetryAfter`` ends the retries at once (the
/// server says it will not be ready within what would be waited).
package struct RetryPolicy: Sendable {
    /// Attempts of one request in all, the first included.
    package var maxAttempts: Int
    /// The first backoff; each retry doubles it, up to ``maxDelay``.
    package var baseDelay: Duration
    package var maxDelay: Duration
    /// The longest `Retry-After` honoured: a server asking for an hour is not retried.
    package var maxRetryAfter: Duration
    /// The most time one request's attempts and waits take in all: no wait is begun that
    /// would end past it.
    package var timeBudget: Duration

    package init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(30), timeBudget: Duration = .seconds(120)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.timeBudget = timeBudget
    }

    /// No retries at all.
    package static let never = RetryPolicy(maxAttempts: 1)

    /// Whether to try again after `attempt` failed attempts (from 1), `elapsed` seconds after
    /// the first began, and after what wait; or why not.
    package func decision(afterAttempt attempt: Int, retryAfter: String?, elapsed: Double, now: Double = WallClock.now()) -> RetryDecision {
        let bounds = "retries are bounded to \(maxAttempts) attempts and \(Self.format(Self.seconds(timeBudget))) s in all"
        guard attempt < maxAttempts else { return .giveUp("gave up after \(attempt) attempts; \(bounds)") }
        if let retryAfter, let asked = Self.retryAfterSeconds(retryAfter, now: now), asked > Self.seconds(maxRetryAfter) {
            return .giveUp("not retried: the registry asks to wait \(Self.format(asked)) s (Retry-After), more than the \(Self.format(Self.seconds(maxRetryAfter))) s waited for; \(bounds)")
        }
        let wait = delay(afterAttempt: attempt, retryAfter: retryAfter, now: now)
        guard elapsed + Self.seconds(wait) <= Self.seconds(timeBudget) else {
            return .giveUp("gave up after \(attempt) attempts: another wait of \(Self.format(Self.seconds(wait))) s would pass the retry budget; \(bounds)")
        }
        return .wait(wait)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Whole seconds without a fraction, others to a tenth.
    private static func format(_ seconds: Double) -> String {
        guard seconds < 1e12 else { return "\(seconds)" }
        return seconds == seconds.rounded() ? String(Int64(seconds)) : String(Double(Int64(seconds * 10)) / 10)
    }

    /// Whether an answer with this status is worth another attempt.
    package static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// How long to wait before attempt `attempt + 1` (after `attempt` failed ones, from 1):
    /// the server's `Retry-After` when it gave a usable one (capped), else `baseDelay · 2^(attempt-1)`
    /// capped at ``maxDelay``, with full jitter in its upper half so parallel blobs do not retry in step.
    package func delay(afterAttempt attempt: Int, retryAfter: String?, now: Double = WallClock.now()) -> Duration {
        if let retryAfter, let seconds = Self.retryAfterSeconds(retryAfter, now: now) {
            return min(.milliseconds(Int64(seconds * 1000)), maxRetryAfter)
        }
        let exponent = min(max(attempt - 1, 0), 20)
        let nominal = min(baseDelay * (1 << exponent), maxDelay)
        let millis = Int64(nominal.components.seconds * 1000 + nominal.components.attoseconds / 1_000_000_000_000_000)
        guard millis > 1 else { return nominal }
        return .milliseconds(millis / 2 + Int64.random(in: 0...(millis / 2)))
    }

    /// `Retry-After` as seconds from now: a delay in seconds or an HTTP-date; nil when it is
    /// neither. A date in the past is 0.
    package static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let text = value.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Double(text.prefix(9)).map { $0 }
        }
        guard let date = HTTPDate.secondsSinceEpoch(text) else { return nil }
        return max(date - now, 0)
    }

    /// Sleeps the calling thread (the client is blocking by design).
    package static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
