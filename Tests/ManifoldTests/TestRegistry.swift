import Foundation
import Testing

/// Debian's docker-registry (distribution 2.8) on a free port of 127.0.0.1, storing into a
/// directory of the test's, stopped when the value is released.
final class TestRegistry {
    let port: String
    private let process = Process()

    init(in directory: URL) throws {
        port = try shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let config = directory.appendingPathComponent("registry.yml")
        try Data("""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory.path)/registry-data
            http:
              addr: 127.0.0.1:\(port)
            """.utf8).write(to: config)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec docker-registry serve '\(config.path)' > '\(directory.path)/registry.log' 2>&1"]
        try process.run()
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? run("/bin/sh", ["-c", "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", \(port)), 0.2)'"]).status) == 0
            if !ready { usleep(100_000) }
        }
        #expect(ready, "docker-registry did not start")
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// `docker://127.0.0.1:PORT/REPOSITORY`, for skopeo.
    func reference(_ repository: String) -> String { "docker://127.0.0.1:\(port)/\(repository)" }
}
