import Foundation
import Testing
@testable import Manifold

/// Debian's docker-registry (distribution 2.8) on a free port of 127.0.0.1, storing into a
/// directory of the test's, stopped when the value is released.
///
/// Three configurations, the three a registry client meets:
/// - ``Configuration-swift.enum/plainHTTP``: no TLS, no auth (clients need `--tls-verify=false`);
/// - ``Configuration-swift.enum/basicAuthTLS``: HTTPS with a certificate from a CA the test made,
///   and htpasswd (bcrypt) Basic auth for ``RegistryUser/reader`` and ``RegistryUser/writer``;
/// - ``Configuration-swift.enum/tokenAuthTLS``: HTTPS, Bearer tokens from a ``TestTokenServer``
///   (the reader may pull, the writer pull and push, anonymous pull `public/…` only).
/// Clients trust the CA through ``certDirectory`` (`DIR/ca.crt`) or ``caCertificate``.
final class TestRegistry {
    enum Configuration: String, Sendable, CaseIterable {
        case plainHTTP = "plain"
        case basicAuthTLS = "basic"
        case tokenAuthTLS = "token"
    }

    let configuration: Configuration
    let port: Int
    /// This registry's own directory: config, logs, PKI, and the storage root.
    let directory: URL
    /// The certificates, for the TLS configurations.
    let pki: TestPKI?
    /// The token server, for ``Configuration-swift.enum/tokenAuthTLS``.
    let tokenServer: TestTokenServer?
    private let server: TestServerProcess

    init(in parent: URL, _ configuration: Configuration = .plainHTTP) throws {
        self.configuration = configuration
        let directory = parent.appendingPathComponent("registry-\(configuration.rawValue)-\(UUID().uuidString.prefix(8))")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = configuration == .plainHTTP ? nil : try TestPKI(in: directory.appendingPathComponent("pki"))
        let tokenServer = try pki.flatMap { configuration == .tokenAuthTLS ? try TestTokenServer(in: directory, pki: $0) : nil }
        self.pki = pki
        self.tokenServer = tokenServer
        if configuration == .basicAuthTLS {
            try Self.htpasswd(RegistryUser.all).write(to: directory.appendingPathComponent("htpasswd"))
        }

        // docker-registry cannot listen on port 0 and report it: take a free port, and take
        // another if something else grabbed it before the registry could (it then exits).
        var started: (Int, TestServerProcess)?
        for attempt in 1...3 where started == nil {
            let port = try TestServerProcess.freePort()
            let config = directory.appendingPathComponent("registry.yml")
            try Data(Self.config(configuration, port: port, directory: directory, pki: pki, tokenServer: tokenServer).utf8).write(to: config)
            let server = try TestServerProcess("docker-registry", ["docker-registry", "serve", config.path],
                                               log: directory.appendingPathComponent("registry-\(attempt).log"))
            do {
                try server.wait { TestServerProcess.accepts(port: port) }
                started = (port, server)
            } catch where attempt < 3 && !server.isRunning {
                continue
            }
        }
        guard let (port, server) = started else { throw ManifoldError(.internalFailure, "docker-registry did not start") }
        self.port = port
        self.server = server
    }

    /// `127.0.0.1:PORT`, the registry part of a reference.
    var host: String { "127.0.0.1:\(port)" }

    /// `https://127.0.0.1:PORT` or `http://…` for the plain configuration.
    var baseURL: String { "\(configuration == .plainHTTP ? "http" : "https")://\(host)" }

    /// `docker://127.0.0.1:PORT/REPOSITORY`, for skopeo.
    func reference(_ repository: String) -> String { "docker://\(host)/\(repository)" }

    /// The CA's certificate (PEM), for `curl --cacert`; nil for plain HTTP.
    var caCertificate: URL? { pki?.caCertificate }

    /// A cert-dir holding only `ca.crt`, for `--cert-dir`; nil for plain HTTP.
    var certDirectory: URL? { pki?.certDirectory }

    /// Where the registry stores what it is sent (`docker/registry/v2/…` below it).
    var storageRoot: URL { directory.appendingPathComponent("registry-data") }

    /// The registry's log so far (for failure messages).
    var log: String { server.output }

    /// Which skopeo option names a flag takes: `inspect`'s own, or copy's source or destination.
    enum SkopeoSide: String, Sendable {
        case inspect = "", source = "src-", destination = "dest-"
    }

    /// skopeo's options to reach this registry as `user` (nil: anonymous): `--tls-verify=false`
    /// for plain HTTP; `--cert-dir` and `--creds` otherwise. Paths hold no quotes or spaces.
    func skopeoOptions(_ side: SkopeoSide = .inspect, as user: RegistryUser? = nil) -> String {
        guard let certDirectory else { return "--\(side.rawValue)tls-verify=false" }
        let creds = user.map { " --\(side.rawValue)creds '\($0.creds)'" } ?? ""
        return "--\(side.rawValue)cert-dir '\(certDirectory.path)'" + creds
    }

    /// curl's options to reach this registry with Basic credentials (nil: none).
    func curlOptions(as user: RegistryUser? = nil) -> String {
        (caCertificate.map { "--cacert '\($0.path)'" } ?? "") + (user.map { " -u '\($0.creds)'" } ?? "")
    }

    /// An htpasswd file with bcrypt hashes (the only kind distribution accepts): apache2-utils'
    /// `htpasswd -B`, else Python's crypt (Blowfish) where htpasswd is not installed; cost 5
    /// either way (htpasswd's default), since the registry checks the hash on every request.
    static func htpasswd(_ users: [RegistryUser]) throws -> Data {
        let hasHtpasswd = (try? run("/bin/sh", ["-c", "command -v htpasswd"]).status) == 0
        var lines = ""
        for user in users {
            if hasHtpasswd {
                lines += try shell("htpasswd -nbB '\(user.name)' '\(user.password)'").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
            } else {
                let hash = try shell("python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))' '\(user.password)'")
                lines += "\(user.name):\(hash.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            }
        }
        return Data(lines.utf8)
    }

    /// distribution's configuration for `configuration` (YAML; paths have no special characters).
    private static func config(_ configuration: Configuration, port: Int, directory: URL, pki: TestPKI?, tokenServer: TestTokenServer?) -> String {
        var text = """
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(directory.path)/registry-data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)
              secret: manifold-test-\(port)

            """
        if let pki {
            text += """
                  tls:
                    certificate: \(pki.serverCertificate.path)
                    key: \(pki.serverKey.path)

                """
        }
        switch configuration {
        case .plainHTTP:
            break
        case .basicAuthTLS:
            text += """
                auth:
                  htpasswd:
                    realm: manifold-test
                    path: \(directory.path)/htpasswd

                """
        case .tokenAuthTLS:
            if let pki, let tokenServer {
                text += """
                    auth:
                      token:
                        realm: \(tokenServer.realm)
                        service: \(TestTokenServer.service)
                        issuer: \(TestTokenServer.issuer)
                        rootcertbundle: \(pki.caCertificate.path)

                    """
            }
        }
        return text
    }
}
