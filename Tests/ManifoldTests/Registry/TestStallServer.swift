import Foundation

/// Vectors/registry/stall_server.py on 127.0.0.1: a registry that accepts and never answers
/// (``Mode/silent``) or answers and then sends one byte a second (``Mode/drip``). Stopped
/// when released.
final class TestStallServer {
    enum Mode: String, Sendable { case silent, drip }

    let port: Int
    private let server: TestServerProcess

    init(in directory: URL, _ mode: Mode) throws {
        let portFile = directory.appendingPathComponent("stall-\(mode.rawValue)-\(UUID().uuidString.prefix(8)).port")
        server = try TestServerProcess("stall server", [
            "python3", vectorsDirectory.appendingPathComponent("registry/stall_server.py").path,
            "--mode", mode.rawValue, "--port-file", portFile.path,
        ], log: directory.appendingPathComponent("stall-\(mode.rawValue).log"))
        port = try server.waitForPortFile(portFile)
    }

    /// `127.0.0.1:PORT`, the registry host of a reference.
    var host: String { "127.0.0.1:\(port)" }
}
