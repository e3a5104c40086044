import Foundation
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// The registry flags and rules every reading command shares, through the built binary:
/// `--timeout` against servers that stall, docker's localhost rule for plain HTTP, every CA
/// of a `--cert-dir`, and pull's SOURCE read as a missing file rather than a registry
/// reference when it looks like a path.
@Suite struct RegistryFlagTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func noAuthFile() -> [String] { ["--authfile", directory.appendingPathComponent("no-auth.json").path] }

    // MARK: --timeout

    /// Each reading command, against a server that never answers (over TLS: the handshake
    /// never completes) and one that trickles a byte a second: ended by --timeout, not by
    /// the test, with an error naming the URL and the limit; exit 2.
    @Test(arguments: [TestStallServer.Mode.silent, .drip])
    func aStalledRegistryEndsAtTheTimeoutNamingTheURLAndTheLimit(_ mode: TestStallServer.Mode) throws {
        let server = try TestStallServer(in: directory, mode)
        // drip answers TLS hellos in plain HTTP: --tls-verify=false lets the client use http.
        let tls = mode == .drip ? ["--tls-verify=false"] : []
        let commands: [[String]] = [
            ["pull", "\(server.host)/team/app:1", "-o", directory.appendingPathComponent("out-\(mode)").path],
            ["verify", "docker://\(server.host)/team/app:1"],
            ["inspect", "docker://\(server.host)/team/app:1"],
            ["tags", "\(server.host)/team/app"],
            ["ls", "\(server.host)/team/app"],
        ]
        for command in commands {
            let start = ContinuousClock.now
            let result = try run(manifoldBinary, command + noAuthFile() + tls + ["--timeout", "2s"])
            let elapsed = ContinuousClock.now - start
            let text = result.stdout + result.stderr
            #expect(result.status == 2, "\(command): \(text)")
            #expect(text.contains("127.0.0.1:\(server.port)/v2/") && text.contains("time limit (--timeout 2s) ran out"), "\(command): \(text)")
            #expect(elapsed < .seconds(12), "\(command) took \(elapsed)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out-\(mode)").path))
    }

    @Test func timeoutTakesGoDurationsOnly() throws {
        for bad in ["30", "5x", "", "-1s", "0s"] {
            let result = try run(manifoldBinary, ["tags", "--timeout", bad, "127.0.0.1:1/app"])
            #expect(result.status == 64 || result.status == 2, "\(bad): \(result.status)")
            #expect(result.stderr.contains("--timeout"), "\(bad): \(result.stderr)")
        }
    }

    // MARK: localhost

    @Test func loopbackHostsAreRecognised() {
        for host in ["localhost", "LOCALHOST:5000", "127.0.0.1", "127.1.2.3:443", "[::1]:5000", "::1"] {
            #expect(RepositoryReference.isLoopback(host: host), "\(host)")
        }
        for host in ["localhost.example.com", "128.0.0.1", "10.0.0.1:5000", "127.0.0", "1270.0.0.1", "example.com:5000", "[::2]:1"] {
            #expect(!RepositoryReference.isLoopback(host: host), "\(host)")
        }
    }

    /// A plain-HTTP registry on 127.0.0.1 and as localhost: no --tls-verify=false needed
    /// (https first, http once the handshake shows plain HTTP).
    @Test(.requires(.skopeo, .dockerRegistry))
    func aPlainHTTPRegistryOnThisMachineNeedsNoTLSVerifyFalse() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try registry.push(.gzipLayers, to: "manifold/local")
        for host in [registry.host, "localhost:\(registry.port)"] {
            let verified = try run(manifoldBinary, ["verify"] + noAuthFile() + ["docker://\(host)/\(pushed.repository):v1"])
            #expect(verified.status == 0, "\(host): \(verified.stdout) \(verified.stderr)")
            let out = directory.appendingPathComponent("local-\(host.hasPrefix("localhost") ? "name" : "ip")")
            let pulled = try run(manifoldBinary, ["pull"] + noAuthFile() + ["\(host)/\(pushed.repository):v1", "-o", out.path])
            #expect(pulled.status == 0, "\(host): \(pulled.stdout) \(pulled.stderr)")
            let tags = try run(manifoldBinary, ["tags"] + noAuthFile() + ["\(host)/\(pushed.repository)"])
            #expect(tags.status == 0 && tags.stdout == "v1\n", "\(host): \(tags.stdout) \(tags.stderr)")
        }
    }

    // MARK: --cert-dir

    /// Two registries whose certificates two different CAs issued, one --cert-dir holding
    /// both CAs: each registry is trusted (every *.crt counts, not only the first).
    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func everyCAOfACertDirIsTrusted() throws {
        let first = try TestRegistry(in: directory, .basicAuthTLS)
        let second = try TestRegistry(in: directory, .basicAuthTLS)
        let certDir = directory.appendingPathComponent("two-cas")
        try FileManager.default.createDirectory(at: certDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try #require(first.caCertificate), to: certDir.appendingPathComponent("a.crt"))
        try FileManager.default.copyItem(at: try #require(second.caCertificate), to: certDir.appendingPathComponent("b.crt"))
        for registry in [first, second] {
            let pushed = try registry.push(.zstdLayers, to: "manifold/two-cas")
            let result = try run(manifoldBinary, ["verify"] + noAuthFile()
                + ["--cert-dir", certDir.path, "--creds", RegistryUser.reader.creds, "docker://\(registry.host)/\(pushed.repository):v1"])
            #expect(result.status == 0, "\(registry.host): \(result.stdout) \(result.stderr)")
        }
        // Only the first CA: the second registry is refused, with a TLS error and no fallback to http.
        try FileManager.default.removeItem(at: certDir.appendingPathComponent("b.crt"))
        let refused = try run(manifoldBinary, ["inspect"] + noAuthFile()
            + ["--cert-dir", certDir.path, "--creds", RegistryUser.reader.creds, "docker://\(second.host)/manifold/two-cas:v1"])
        #expect(refused.status == 2 && refused.stderr.contains("TLS"), "\(refused.stderr)")
    }

    // MARK: pull SOURCE

    /// A SOURCE that looks like a path and does not exist is a missing file: exit 2, the
    /// path named, and no registry asked (a proxy that refuses everything would show in the
    /// error). docker:// still reads a registry.
    @Test(arguments: ["app.tar", "app.tar.gz", "dir/app.tar:v1", "./app", "../app", "/nonexistent/app", "~/app"])
    func aMissingPathIsNotARegistryReference(_ source: String) throws {
        let out = directory.appendingPathComponent("out").path
        let result = try run("/usr/bin/env", ["HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", manifoldBinary, "pull", source, "-o", out],
                             in: directory)
        #expect(result.status == 2, "\(source): \(result.stdout) \(result.stderr)")
        let path = source.hasSuffix(":v1") ? String(source.dropLast(3)) : source
        #expect(result.stderr.contains(path), "\(source): \(result.stderr)")
        #expect(!result.stderr.contains("registry-1.docker.io") && !result.stderr.contains("connect"), "\(source): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
