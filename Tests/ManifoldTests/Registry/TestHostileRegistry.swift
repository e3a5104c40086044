import Foundation

/// Vectors/registry/hostile_registry.py: a registry serving one small two-platform image as
/// `FAULT/app:1`, misbehaving as FAULT says (see the script). Stopped when released.
final class TestHostileRegistry {
    let port: Int
    let logFile: URL
    private let server: TestServerProcess

    /// Over https when `pki` is given (its server certificate), else plain http.
    init(in directory: URL, pki: TestPKI? = nil) throws {
        let name = "hostile-\(UUID().uuidString.prefix(8))"
        logFile = directory.appendingPathComponent("\(name)-requests.jsonl")
        let portFile = directory.appendingPathComponent("\(name).port")
        let tls = pki.map { ["--tls", $0.serverCertificate.path, $0.serverKey.path] } ?? []
        server = try TestServerProcess("hostile registry", [
            "python3", vectorsDirectory.appendingPathComponent("registry/hostile_registry.py").path,
            "--port-file", portFile.path, "--log", logFile.path,
        ] + tls, log: directory.appendingPathComponent("\(name).log"))
        port = try server.waitForPortFile(portFile)
    }

    var host: String { "127.0.0.1:\(port)" }

    /// The image reference for one fault.
    func image(_ fault: String) -> String { "\(host)/\(fault)/app:1" }

    /// Every request the server saw, in order: method, path, range, authorization (present), host.
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
