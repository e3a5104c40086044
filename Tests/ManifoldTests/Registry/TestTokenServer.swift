import Foundation
@testable import Manifold

/// Vectors/registry/token_server.py on 127.0.0.1 over TLS (the test PKI's server certificate):
/// checks Basic credentials, grants scopes per user and repository, and issues the RS256 JWTs
/// docker-registry's `auth.token` accepts. Stopped when released.
final class TestTokenServer {
    static let issuer = "manifold-test-token-server"
    static let service = "manifold-test-registry"

    let port: Int
    private let logFile: URL
    private let server: TestServerProcess

    /// Starts the server with `users` (see ``RegistryUser``) and tokens valid `expiresIn` seconds.
    init(in directory: URL, pki: TestPKI, users: [RegistryUser] = RegistryUser.all, expiresIn: Int = 300) throws {
        var table: [String: Any] = ["": ["access": ["public/*": ["pull"]]]]
        for user in users {
            table[user.name] = ["password": user.password,
                                "access": ["*": user == .writer ? ["pull", "push"] : ["pull"]]]
        }
        let usersFile = directory.appendingPathComponent("token-users.json")
        try JSONSerialization.data(withJSONObject: table, options: [.sortedKeys]).write(to: usersFile)
        logFile = directory.appendingPathComponent("token-requests.jsonl")
        let portFile = directory.appendingPathComponent("token-server.port")
        server = try TestServerProcess("token server", [
            "python3", vectorsDirectory.appendingPathComponent("registry/token_server.py").path,
            "--users", usersFile.path, "--signing-key", pki.tokenKey.path, "--signing-cert", pki.tokenCertificate.path,
            "--issuer", Self.issuer, "--service", Self.service, "--expires-in", String(expiresIn),
            "--tls-cert", pki.serverCertificate.path, "--tls-key", pki.serverKey.path,
            "--log", logFile.path, "--port-file", portFile.path,
        ], log: directory.appendingPathComponent("token-server.log"))
        port = try server.waitForPortFile(portFile)
    }

    /// The realm registries send in `WWW-Authenticate: Bearer realm=…`.
    var realm: String { "https://127.0.0.1:\(port)/token" }

    /// Every request answered so far, oldest first.
    func requests() throws -> [TokenRequest] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(TokenRequest.self, from: Data($0.utf8)) }
    }
}
