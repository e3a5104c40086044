#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// SIGINT, SIGTERM and SIGHUP end the run cleanly: whatever it was writing beside its output
/// is removed (``TemporaryOutputs/removeAll()``), then it exits 128 + the signal's number, as
/// a shell reports a process killed by it.
///
/// The signals are blocked in every thread (installed first thing in `main`, so every thread
/// started later inherits the mask) and taken by one thread with `sigwait`: the cleanup runs
/// as ordinary code, not in a signal handler, where almost nothing is allowed.
enum InterruptCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func install() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            var set = InterruptCleanup.signalSet()
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            TemporaryOutputs.removeAll()
            _exit(128 + received)
        }, nil)
        // Without the thread, let the signals act as they would have (default: terminate).
        if started != 0 { pthread_sigmask(SIG_UNBLOCK, &set, nil) }
    }

    static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
