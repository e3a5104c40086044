import Foundation
import Testing
@testable import Manifold

/// verify, inspect, tags, ls, login and logout against the test registries, through the
/// built binary: every configuration (plain HTTP, TLS with Basic auth, TLS with tokens), a
/// blob tampered with on the registry's disk, refused credentials, and paged tag lists.
@Suite struct RegistryCommandTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    /// The flags that reach `registry` as `user`: --tls-verify=false for plain HTTP, else
    /// --cert-dir and --creds (and an empty --authfile, so no file of the machine's is read first).
    func flags(_ registry: TestRegistry, as user: RegistryUser? = .reader) -> [String] {
        var flags = ["--authfile", directory.appendingPathComponent("no-auth.json").path]
        guard let certDirectory = registry.certDirectory else { return flags + ["--tls-verify=false"] }
        flags += ["--cert-dir", certDirectory.path]
        if let user { flags += ["--creds", user.creds] }
        return flags
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: TestRegistry.Configuration.allCases)
    func verifyAndInspectEveryFixtureOnEveryConfiguration(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        for fixture in RegistryFixture.allCases {
            let pushed = try registry.push(fixture, to: "manifold/\(fixture.rawValue.lowercased())")
            let byTag = "\(registry.reference(pushed.repository)):v1"
            let verified = try run(manifoldBinary, ["verify", "--json"] + flags(registry) + [byTag])
            #expect(verified.status == 0, "\(configuration) \(fixture): \(verified.stdout) \(verified.stderr)")
            #expect(verified.stdout.contains("verified"), "\(verified.stdout)")
            let byDigest = "\(registry.reference(pushed.repository))@\(pushed.digest)"
            let raw = try run(manifoldBinary, ["inspect", "--raw"] + flags(registry) + [byDigest])
            #expect(raw.status == 0, "\(configuration) \(fixture): \(raw.stderr)")
            #expect(raw.stdoutData == pushed.raw, "\(configuration) \(fixture): inspect --raw is the bytes pushed")
            let tree = try run(manifoldBinary, ["inspect", "--tree"] + flags(registry) + [byTag])
            #expect(tree.status == 0 && tree.stdout.contains(String(pushed.digest.prefix(19))), "\(tree.stdout) \(tree.stderr)")
        }
    }

    /// `pull` from each configuration, docker:// and bare: every blob skopeo's own pull of the
    /// same image holds, byte for byte, and an output that verifies; a tampered blob leaves
    /// nothing at OUT.
    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: TestRegistry.Configuration.allCases)
    func pullWritesWhatSkopeoPullsAndNothingWhenTampered(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        for fixture in RegistryFixture.allCases {
            let pushed = try registry.push(fixture, to: "manifold/pull-\(fixture.rawValue.lowercased())")
            let out = directory.appendingPathComponent("pulled-\(configuration)-\(fixture)")
            // Bare for one fixture in two: pull reads a registry reference without docker:// too.
            let source = fixture.rawValue.count % 2 == 0
                ? "\(registry.reference(pushed.repository)):v1" : "\(registry.host)/\(pushed.repository):v1"
            let pulled = try run(manifoldBinary, ["pull"] + flags(registry) + [source, "-o", out.path])
            #expect(pulled.status == 0, "\(configuration) \(fixture): \(pulled.stdout) \(pulled.stderr)")
            #expect(try run(manifoldBinary, ["verify", "-q", out.path]).status == 0)
            let theirs = directory.appendingPathComponent("skopeo-\(configuration)-\(fixture)")
            var skopeo = ["copy", "--all", "--preserve-digests", "--authfile", directory.appendingPathComponent("no-auth.json").path]
            if let certDirectory = registry.certDirectory {
                skopeo += ["--src-cert-dir", certDirectory.path, "--src-creds", RegistryUser.reader.creds]
            } else {
                skopeo += ["--src-tls-verify=false"]
            }
            let copied = try run("/usr/bin/skopeo", skopeo + ["\(registry.reference(pushed.repository)):v1", "dir:\(theirs.path)"])
            #expect(copied.status == 0, "\(copied.stderr)")
            // dir: (skopeo cannot write a Docker list into oci: with --preserve-digests): its
            // blobs are the files named by their hex digest.
            let blobs = theirs
            let names = try FileManager.default.contentsOfDirectory(atPath: blobs.path).filter { $0.count == 64 }
            #expect(!names.isEmpty)
            for name in names {
                let ours = try? Data(contentsOf: out.appendingPathComponent("blobs/sha256/\(name)"))
                #expect(ours == (try Data(contentsOf: blobs.appendingPathComponent(name))), "\(configuration) \(fixture): blob \(name)")
            }
        }
        let pushed = try registry.push(.gzipLayers, to: "manifold/pull-tampered")
        let layer = try #require(pushed.layers.last)
        try registry.tamperWithBlob(layer)
        let out = directory.appendingPathComponent("tampered-\(configuration).tar")
        let result = try run(manifoldBinary, ["pull"] + flags(registry) + ["\(registry.reference(pushed.repository)):v1", "-o", out.path])
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains(String(layer.prefix(19))) && result.stdout.contains("digest mismatch"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: [TestRegistry.Configuration.plainHTTP, .tokenAuthTLS])
    func aBlobTamperedWithOnTheRegistryFailsNamingIt(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        let pushed = try registry.push(.gzipLayers, to: "manifold/tampered")
        let layer = try #require(pushed.layers.last)
        try registry.tamperWithBlob(layer)
        let result = try run(manifoldBinary, ["verify"] + flags(registry) + ["\(registry.reference(pushed.repository)):v1"])
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("layers[1] \(layer.prefix(19))") && result.stdout.contains("digest mismatch"), "\(result.stdout)")
        // --shallow too: the compressed digest alone catches it.
        let shallow = try run(manifoldBinary, ["verify", "--shallow"] + flags(registry) + ["\(registry.reference(pushed.repository)):v1"])
        #expect(shallow.status == 1, "\(shallow.stdout)")
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: [TestRegistry.Configuration.basicAuthTLS, .tokenAuthTLS])
    func wrongOrMissingCredentialsAreAClearErrorNotALoop(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        let pushed = try registry.push(.zstdLayers, to: "manifold/private")
        let reference = "\(registry.reference(pushed.repository)):v1"
        let wrong = try run(manifoldBinary, ["verify"] + flags(registry, as: RegistryUser(name: "reader", password: "not-the-password-7f3")) + [reference])
        #expect(wrong.status == 2, "\(wrong.stdout) \(wrong.stderr)")
        #expect(wrong.stdout.contains("refused the credentials (user \"reader\" from --creds)"), "\(configuration): \(wrong.stdout)")
        #expect(!(wrong.stdout + wrong.stderr).contains("not-the-password-7f3"), "the password never shows")
        let anonymous = try run(manifoldBinary, ["inspect"] + flags(registry, as: nil) + [reference])
        #expect(anonymous.status == 2, "\(anonymous.stdout) \(anonymous.stderr)")
        #expect(anonymous.stderr.contains("requires authentication for manifold/private and no credentials were found"), "\(configuration): \(anonymous.stderr)")
        // No TLS trust: a clear TLS error, never a fallback to http.
        let untrusted = try run(manifoldBinary, ["inspect", "--creds", RegistryUser.reader.creds, reference])
        #expect(untrusted.status == 2 && untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func tokensAreAskedForWithThePullScopeAndReused() throws {
        let registry = try TestRegistry(in: directory, .tokenAuthTLS)
        let pushed = try registry.push(.twoPlatformIndex, to: "manifold/scoped")
        let before = try #require(registry.tokenServer).requests().count
        let result = try run(manifoldBinary, ["verify"] + flags(registry) + ["\(registry.reference(pushed.repository)):v1"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let requests = try #require(registry.tokenServer).requests().dropFirst(before)
        // One token for the whole image (cached), for exactly this repository's pull scope.
        #expect(requests.count == 1, "\(requests)")
        #expect(requests.allSatisfy { $0.scopes == ["repository:manifold/scoped:pull"] }, "\(requests)")
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func tagsAndLsListWhatWasPushed() throws {
        let registry = try TestRegistry(in: directory, .basicAuthTLS)
        try registry.push(.twoPlatformIndex, to: "manifold/listed", tag: "v2")
        try registry.push(.dockerManifestList, to: "manifold/listed", tag: "v1")
        try registry.push(.zstdLayers, to: "manifold/listed", tag: "a-zstd")
        let repository = "\(registry.host)/manifold/listed"
        let tags = try run(manifoldBinary, ["tags"] + flags(registry) + [repository])
        #expect(tags.status == 0 && tags.stdout == "a-zstd\nv1\nv2\n", "\(tags.stdout) \(tags.stderr)")
        let json = try run(manifoldBinary, ["ls", "--json"] + flags(registry) + [repository])
        #expect(json.status == 0, "\(json.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [[String: Any]])
        #expect(items.map { $0["tag"] as? String } == ["a-zstd", "v1", "v2"])
        let v2 = try #require(items.last)
        #expect(v2["mediaType"] as? String == MediaType.ociIndex)
        #expect(v2["platforms"] as? [String] == ["linux/amd64", "linux/arm64/v8"])
        #expect((v2["size"] as? Int ?? 0) > 0)
        #expect((v2["digest"] as? String)?.hasPrefix("sha256:") == true)
        let text = try run(manifoldBinary, ["ls"] + flags(registry) + [repository])
        #expect(text.status == 0 && text.stdout.hasPrefix("TAG") && text.stdout.contains("docker manifest list"), "\(text.stdout)")
        let missing = try run(manifoldBinary, ["tags"] + flags(registry) + ["\(registry.host)/manifold/none"])
        #expect(missing.status == 2 && missing.stderr.contains("no such repository"), "\(missing.stderr)")
    }

    @Test func tagsFollowEveryPageOnTheSameHostOnly() throws {
        let server = try TestTagsServer(in: directory, repositories: [
            .init(name: "paged", tags: ["e", "d", "c", "b", "a"], link: .next),
            .init(name: "absolute", tags: ["3", "2", "1"], link: .absolute),
            .init(name: "looping", tags: ["x", "y", "z"], link: .loop),
            .init(name: "foreign", tags: ["p", "q", "r"], link: .foreign),
        ])
        let base = ["tags", "--tls-verify=false"]
        let paged = try run(manifoldBinary, base + ["\(server.host)/paged"])
        #expect(paged.status == 0 && paged.stdout == "a\nb\nc\nd\ne\n", "\(paged.stdout) \(paged.stderr)")
        let absolute = try run(manifoldBinary, base + ["\(server.host)/absolute"])
        #expect(absolute.status == 0 && absolute.stdout == "1\n2\n3\n", "\(absolute.stdout) \(absolute.stderr)")
        let looping = try run(manifoldBinary, base + ["\(server.host)/looping"])
        #expect(looping.status == 2 && looping.stderr.contains("loop"), "\(looping.stderr)")
        let foreign = try run(manifoldBinary, base + ["\(server.host)/foreign"])
        #expect(foreign.status == 2 && foreign.stderr.contains("another host"), "\(foreign.stderr)")
        #expect(try server.requests().allSatisfy { $0.host?.hasPrefix("localhost") != true }, "a foreign page was fetched")
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func loginChecksTheCredentialsBeforeSavingThemAndLogoutRemovesThem() throws {
        let registry = try TestRegistry(in: directory, .basicAuthTLS)
        let pushed = try registry.push(.gzipLayers, to: "manifold/login")
        let authFile = directory.appendingPathComponent("auth.json").path
        let certDir = try #require(registry.certDirectory).path
        let refused = try run(manifoldBinary, ["login", "--authfile", authFile, "--cert-dir", certDir, "-u", "reader", "--password-stdin", registry.host],
                              input: Data("nope\n".utf8))
        #expect(refused.status == 2 && !FileManager.default.fileExists(atPath: authFile), "\(refused.stdout) \(refused.stderr)")
        let login = try run(manifoldBinary, ["login", "--authfile", authFile, "--cert-dir", certDir, "-u", "reader", "--password-stdin", registry.host],
                            input: Data("\(RegistryUser.reader.password)\n".utf8))
        #expect(login.status == 0, "\(login.stdout) \(login.stderr)")
        let verify = try run(manifoldBinary, ["verify", "--authfile", authFile, "--cert-dir", certDir, "\(registry.reference(pushed.repository)):v1"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let logout = try run(manifoldBinary, ["logout", "--authfile", authFile, registry.host])
        #expect(logout.status == 0, "\(logout.stderr)")
        let again = try run(manifoldBinary, ["logout", "--authfile", authFile, registry.host])
        #expect(again.status == 2 && again.stderr.contains("not logged into"), "\(again.stderr)")
    }
}
