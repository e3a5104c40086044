#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// Runs a program without a shell (posix_spawn), feeds it a few bytes on standard input and
/// collects its standard output and error, each capped, within a time limit.
///
/// The three streams are socket pairs rather than pipes: a helper which exits without
/// reading its input cannot kill this process with SIGPIPE (`send` with MSG_NOSIGNAL), and
/// `SOCK_CLOEXEC` makes every descriptor close-on-exec in one call (`pipe2` needs
/// `_GNU_SOURCE`), so the child gets only its three.
struct HelperProcess {
    struct Result {
        /// The exit status, or nil when a signal ended the program.
        var exitStatus: Int32?
        var output: [UInt8]
        var errorOutput: [UInt8]
    }

    let path: String
    let arguments: [String]
    let environment: [String: String]
    var outputLimit = 1 << 20
    var timeout: Double = 60

    /// What the program wrote, and how it ended. Throws when it cannot be started, writes
    /// more than the limit, or outlives the timeout (then it is killed).
    func run(input: [UInt8]) throws -> Result {
        var inputPair: [Int32] = [-1, -1]
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &inputPair) == 0, socketpair(AF_UNIX, type, 0, &outputPipe) == 0,
              socketpair(AF_UNIX, type, 0, &errorPipe) == 0 else {
            let code = errno
            for fd in inputPair + outputPipe + errorPipe where fd >= 0 { close(fd) }
            throw ManifoldError(.internalFailure, path: path, syscall: "socketpair", errno: code, action: "create a socket pair")
        }
        let parentEnds = [inputPair[0], outputPipe[0], errorPipe[0]]
        defer { for fd in parentEnds where fd >= 0 { close(fd) } }

        let pid: pid_t
        do {
            defer { close(inputPair[1]); close(outputPipe[1]); close(errorPipe[1]) }
            pid = try spawn(stdin: inputPair[1], stdout: outputPipe[1], stderr: errorPipe[1])
        }

        // Whatever ends this call early leaves no child behind, running or unreaped.
        var reaped = false
        defer {
            if !reaped { kill(pid, SIGKILL); _ = reap(pid) }
        }
        // The input is a server URL or a small JSON document: far below any socket buffer.
        var sent = 0
        while sent < input.count {
            let count = input[sent...].withUnsafeBytes { send(parentEnds[0], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                break  // The helper closed its input; what it wrote says why.
            }
            sent += count
        }
        shutdown(parentEnds[0], Int32(SHUT_WR))

        var output: [UInt8] = []
        var errorOutput: [UInt8] = []
        let deadline = Self.monotonicNow() + timeout
        var open = [parentEnds[1], parentEnds[2]]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open.contains(where: { $0 >= 0 }) {
            let remaining = deadline - Self.monotonicNow()
            guard remaining > 0 else {
                let seconds = timeout == timeout.rounded() ? "\(Int(timeout))" : "\(timeout)"
                throw ManifoldError(.unreadable, "\(path): gave no answer within \(seconds) seconds; killed")
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000)) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw ManifoldError(.unreadable, path: path, syscall: "poll", errno: errno, action: "wait for output")
            }
            for (slot, entry) in fds.enumerated() where entry.fd >= 0 && entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                if count <= 0 {
                    open[slot] = -1
                    continue
                }
                if slot == 0 { output += buffer[..<count] } else { errorOutput += buffer[..<count] }
                if output.count + errorOutput.count > outputLimit {
                    throw ManifoldError(.limitExceeded, "\(path): wrote more than \(outputLimit) bytes")
                }
            }
        }
        let status = reap(pid)
        reaped = true
        return Result(exitStatus: status, output: output, errorOutput: errorOutput)
    }

    /// Starts the program with the three descriptors as its standard streams, the default
    /// action for every signal it may care about and an empty signal mask.
    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        // ETXTBSY means some process holds the program open for writing: a package manager
        // replacing it, or a child forked by another thread in the moment between its
        // creation and its exec. Both pass within milliseconds; wait up to about a second.
        var result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        var attempt = 0
        while result == ETXTBSY, attempt < 20 {
            attempt += 1
            usleep(useconds_t(min(attempt, 10) * 10_000))
            result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw ManifoldError(.unreadable, path: path, syscall: "posix_spawn", errno: result, action: "run")
        }
        return pid
    }

    /// Waits for the child; its exit status, or nil when a signal ended it.
    private func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import (they are macros).
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    private static func monotonicNow() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
