#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds since the Unix epoch by the system's real-time clock.
///
/// Token lifetimes are wall-clock facts (`issued_at` is a date), so they are measured
/// against this clock, not a monotonic one. Injected as a closure where it matters, so
/// tests can move time.
public enum WallClock {
    /// Now, in seconds since 1970-01-01T00:00:00Z.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
