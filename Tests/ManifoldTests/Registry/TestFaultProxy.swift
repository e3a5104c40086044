import Foundation

/// Vectors/registry/fault_proxy.py in front of a registry: resets, truncations, injected
/// 429/500/503, delays and throttling on a seeded share of GET and HEAD connections.
/// Stopped when released.
final class TestFaultProxy {
    let port: Int
    let logFile: URL
    private let server: TestServerProcess

    /// `uploads`: PATCH and PUT bodies are cut short too (reset after part of the body).
    /// `faults`: the kinds to inject, in turn (nil: the proxy's default, every kind).
    init(in directory: URL, upstream: String, rate: Double, seed: Int = 12, uploads: Bool = false, faults: [String]? = nil) throws {
        let name = "fault-proxy-\(UUID().uuidString.prefix(8))"
        logFile = directory.appendingPathComponent("\(name)-faults.jsonl")
        let portFile = directory.appendingPathComponent("\(name).port")
        server = try TestServerProcess("fault proxy", [
            "python3", vectorsDirectory.appendingPathComponent("registry/fault_proxy.py").path,
            "--upstream", upstream, "--port-file", portFile.path, "--log", logFile.path,
            "--rate", String(rate), "--seed", String(seed),
        ] + (uploads ? ["--uploads"] : []) + (faults.map { ["--faults", $0.joined(separator: ",")] } ?? []), log: directory.appendingPathComponent("\(name).log"))
        port = try server.waitForPortFile(portFile)
    }

    var host: String { "127.0.0.1:\(port)" }

    /// The faults injected so far, by name (reset, 503, …).
    func faults() -> [String] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["fault"] as? String
        }
    }
}
