import Foundation

/// Vectors/registry/tags_server.py on 127.0.0.1 (plain HTTP): `/v2/NAME/tags/list` with `n`,
/// `last` and `Link: <…>; rel="next"`, which distribution 2.8 does not page. Stopped when released.
final class TestTagsServer {
    /// How a repository's pages link to the next one.
    enum Link: String, Sendable {
        /// A path (`/v2/…?n=2&last=b`), as distribution 3 sends.
        case next
        /// An absolute URL on the same host.
        case absolute
        /// Every page links back to the first: a client must notice the loop.
        case loop
        /// The second page is on `localhost:PORT` (this server under another name): a client
        /// must not follow it; ``requests()`` shows whether one did.
        case foreign
    }

    /// One repository the server lists.
    struct Repository: Sendable {
        let name: String
        let tags: [String]
        var pageSize = 2
        var link = Link.next
    }

    /// One request, as the server logged it.
    struct Request: Decodable, Sendable, Equatable {
        let path: String
        let query: String
        /// The Host header: `localhost:PORT` when a client followed a foreign link.
        let host: String?
    }

    let port: Int
    private let logFile: URL
    private let server: TestServerProcess

    init(in directory: URL, repositories: [Repository]) throws {
        var table: [String: Any] = [:]
        for repository in repositories {
            table[repository.name] = ["tags": repository.tags, "page_size": repository.pageSize, "link": repository.link.rawValue]
        }
        let config = directory.appendingPathComponent("tags-server.json")
        try JSONSerialization.data(withJSONObject: ["repositories": table], options: [.sortedKeys]).write(to: config)
        logFile = directory.appendingPathComponent("tags-requests.jsonl")
        let portFile = directory.appendingPathComponent("tags-server.port")
        server = try TestServerProcess("tags server", [
            "python3", vectorsDirectory.appendingPathComponent("registry/tags_server.py").path,
            "--config", config.path, "--log", logFile.path, "--port-file", portFile.path,
        ], log: directory.appendingPathComponent("tags-server.log"))
        port = try server.waitForPortFile(portFile)
    }

    /// `127.0.0.1:PORT`, the registry host of a reference.
    var host: String { "127.0.0.1:\(port)" }

    /// `http://127.0.0.1:PORT/v2/NAME/tags/list`.
    func tagsURL(_ repository: String) -> String { "http://\(host)/v2/\(repository)/tags/list" }

    /// Every request served so far, oldest first.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
