import Foundation
import Glibc
import Testing
@testable import Manifold

/// A server a test starts on 127.0.0.1 (docker-registry, the token server, the tags server):
/// its output goes to a log file in the test's directory, and it is stopped when the value is
/// released, so a test that fails half-way still leaves nothing running.
final class TestServerProcess {
    let name: String
    /// Where the server's stdout and stderr go: read it when a start-up or a request fails.
    let log: URL
    private let pid: pid_t
    private var exitStatus: Int32?

    /// Starts `arguments[0]` (looked up on PATH) with the rest as its arguments.
    ///
    /// Spawned with posix_spawn, not Foundation's Process, for three reasons that each hung a
    /// parallel test run: Process hands the child every open descriptor of the test process
    /// (another test's pipes, and the sockets by which Process learns that *its* children
    /// exited, so a long-lived server delays those for as long as it runs); the spawning
    /// thread's signal mask blocks SIGTERM, which Python keeps; and closing the inherited
    /// descriptors in the child makes Process believe its own child exited and block in
    /// waitpid. Here the child gets /dev/null, the log, an empty signal mask and nothing else.
    init(_ name: String, _ arguments: [String], log: URL) throws {
        self.name = name
        self.log = log
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw ManifoldError(.internalFailure, "posix_spawn_file_actions_addclosefrom_np failed") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw ManifoldError(.internalFailure, "\(name): posix_spawnp \(arguments[0]): errno \(result)") }
        self.pid = pid
    }

    deinit { stop() }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not import: closes every descriptor from the given one up in the child.
    private static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc without posix_spawn_file_actions_addclosefrom_np (needs 2.34+)")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
        return exitStatus == nil
    }

    /// SIGTERM, then waits; SIGKILL after 5 s, so a stuck server cannot hold the test run.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while isRunning && Date() < deadline { usleep(10_000) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            exitStatus = status
        }
    }

    /// What the server wrote so far (for failure messages).
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until `ready()` holds, polling every 20 ms for at most `seconds`; throws with the
    /// server's output if it exits first or the time runs out.
    func wait(seconds: Double = 15, until ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !ready() {
            guard isRunning else {
                throw ManifoldError(.internalFailure, "\(name) exited (wait status \(exitStatus ?? 0)) before it was ready: \(output)")
            }
            guard Date() < deadline else {
                throw ManifoldError(.internalFailure, "\(name) not ready after \(seconds) s: \(output)")
            }
            usleep(20_000)
        }
    }

    /// Waits for the port a server writes to `file` once it listens (the Python servers bind
    /// port 0 themselves, so there is no race for a free port).
    func waitForPortFile(_ file: URL) throws -> Int {
        var port: Int?
        try wait {
            port = (try? String(contentsOf: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return port != nil
        }
        return port ?? 0
    }

    /// A port of 127.0.0.1 free right now (for servers that cannot bind port 0 and say which).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ManifoldError(.internalFailure, "socket: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ManifoldError(.internalFailure, "bind 127.0.0.1:0: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }
}
