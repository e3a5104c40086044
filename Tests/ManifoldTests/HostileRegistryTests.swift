import Foundation
import Glibc
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// Issue 12's cases against a registry that lies, stalls and fails
/// (Vectors/registry/hostile_registry.py), through the built binary: `pull` and
/// `verify docker://` each end with the expected exit code and the words of the error, within
/// the client's own limits, and leave nothing behind. Cases already covered elsewhere:
/// RegistryClientTests (206 with a wrong Content-Range, 200 to a Range, redirect to another
/// host without Authorization, a refused token renewed once, Retry-After honoured),
/// RegistryFlagTests (slow-loris and accept-and-never-answer under --timeout),
/// RegistryCommandTests (Link loops and links to other hosts), HTTPClientTests (low-speed
/// watchdog, capped reads).
@Suite struct HostileRegistryTests {
    let directory: URL
    /// Where OUT goes, apart from the servers' files: it must hold nothing after a failed run.
    let work: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func noAuthFile() -> [String] { ["--authfile", directory.appendingPathComponent("no-auth.json").path] }

    func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: work.path) }

    /// One lie: the fault, extra flags, the exit code and words both commands must show.
    struct Lie: CustomTestStringConvertible, Sendable {
        let fault: String
        var flags: [String] = []
        let status: Int32
        let words: [String]
        var testDescription: String { fault }
    }

    static let lies: [Lie] = [
        Lie(fault: "baddigest", status: 1, words: ["digest mismatch"]),
        Lie(fault: "endless", status: 1, words: ["size mismatch: expected 207 bytes, got 208"]),
        Lie(fault: "longlength", status: 1, words: ["size mismatch: expected 207 bytes, got 208"]),
        Lie(fault: "short", status: 1, words: ["size mismatch: expected 207 bytes, got 206"]),
        Lie(fault: "bigmanifest", status: 2, words: ["above the 4194304-byte limit for documents"]),
        Lie(fault: "lyingchild", status: 1, words: ["digest mismatch: expected sha256:7519ef99b22b"]),
        Lie(fault: "wrongchild", status: 1, words: ["media type application/vnd.oci.image.config.v1+json is a config or layer type, not an index or manifest"]),
        Lie(fault: "bomb", flags: ["--max-layer-size", "1MiB"], status: 1, words: ["decompressed content exceeds the limit of 1048576 bytes"]),
        Lie(fault: "hugeerror", status: 2, words: ["hugeerror/app:1: manifest unknown to 127.0.0.1"]),
        Lie(fault: "redirloop", status: 2, words: ["more than 5 redirects"]),
        Lie(fault: "authloop", status: 2, words: ["requires authentication for authloop/app",
                                                  "the token for scope repository:authloop/app:pull was refused, and a fresh one after it"]),
        Lie(fault: "badchallenge", status: 2, words: ["WWW-Authenticate header that cannot be read", "a quoted string is not closed"]),
        Lie(fault: "badtoken", status: 2, words: ["token response from", "invalid JSON"]),
        Lie(fault: "hugetoken", status: 2, words: ["/token", "more than the 65536 bytes allowed"]),
        Lie(fault: "ftprealm", status: 2, words: ["token realm \"ftp://", "is not an http(s) URL"]),
        Lie(fault: "down", status: 2, words: ["the registry answered 503: UNAVAILABLE: down"]),
        // Retry-After: 100000 is over the 30 s cap: not waited for at all (it once was, at the
        // cap, on every attempt), and the error says why and what bounds the retries.
        Lie(fault: "toomany", status: 2, words: ["the registry answered 429", "asks to wait 100000 s (Retry-After), more than the 30 s waited for",
                                                 "bounded to 5 attempts and 120 s in all"]),
    ]

    /// Each lie through pull and verify: its exit code, its words, no OUT and nothing else
    /// left in OUT's directory. A `--timeout` of 20s bounds every run (none needs it): a case
    /// that reaches it fails on its words.
    @Test(arguments: lies)
    func aLyingRegistryEndsWithItsErrorAndLeavesNothing(_ lie: Lie) throws {
        let registry = try TestHostileRegistry(in: directory)
        let flags = noAuthFile() + ["--timeout", "20s"] + lie.flags
        let out = work.appendingPathComponent("out")
        for command in [["pull", registry.image(lie.fault), "-o", out.path], ["verify", "docker://\(registry.image(lie.fault))"]] {
            let result = try run(manifoldBinary, command + flags)
            let text = result.stdout + result.stderr
            #expect(result.status == lie.status, "\(command[0]) \(lie.fault): \(text)")
            for word in lie.words { #expect(text.contains(word), "\(command[0]) \(lie.fault): no “\(word)” in \(text)") }
            let timedOut = text.contains("time limit")
            #expect(!timedOut, "\(command[0]) \(lie.fault) ran into --timeout: \(text)")
            let left = try leftovers()
            #expect(left.isEmpty, "\(command[0]) \(lie.fault) left \(left)")
        }
        if lie.fault == "down" {
            // Retries are bounded: at most 5 attempts of one blob per command.
            let config = registry.requests().filter { ($0["path"] as? String)?.hasSuffix("sha256:6122cb5391865dbd7a831d94e90f66170c5d75a35f963cbe85f9978d9766e80f") == true }
            #expect((2...10).contains(config.count), "\(config.count) requests of one blob")
        }
    }

    /// A lying Docker-Content-Digest is no proof: the pull succeeds on the digests manifold
    /// computes, and the all-zero digest the registry claims appears nowhere.
    @Test func aLyingDockerContentDigestIsIgnored() throws {
        let registry = try TestHostileRegistry(in: directory)
        let out = work.appendingPathComponent("out")
        let result = try run(manifoldBinary, ["pull", registry.image("lyingdcd"), "-o", out.path] + noAuthFile())
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let index = try String(contentsOf: out.appendingPathComponent("index.json"), encoding: .utf8)
        #expect(!index.contains("sha256:" + String(repeating: "0", count: 64)) && index.contains("sha256:83802b9d54f1"), "\(index)")
    }

    /// Every blob's first GET is reset half-way: the pull still finishes, and its layout is
    /// byte-identical to one pulled from the same image served honestly.
    @Test func resetConnectionsAreResumedToTheSameBytes() throws {
        let registry = try TestHostileRegistry(in: directory)
        let honest = work.appendingPathComponent("honest")
        let reset = work.appendingPathComponent("reset")
        #expect(try run(manifoldBinary, ["pull", registry.image("ok"), "-o", honest.path] + noAuthFile()).status == 0)
        let result = try run(manifoldBinary, ["pull", registry.image("reset"), "-o", reset.path] + noAuthFile())
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(try shell("cd '\(work.path)' && diff -r honest reset && echo same").contains("same"))
    }

    /// A redirect from https to http is refused, and no request reaches the http URL.
    @Test(.requires(.openssl)) func aRedirectFromHTTPSToHTTPIsRefused() throws {
        let pki = try TestPKI(in: directory.appendingPathComponent("pki"))
        let registry = try TestHostileRegistry(in: directory, pki: pki)
        let out = work.appendingPathComponent("out")
        let result = try run(manifoldBinary, ["pull", registry.image("tohttp"), "-o", out.path, "--cert-dir", pki.certDirectory.path] + noAuthFile())
        let text = result.stdout + result.stderr
        #expect(result.status == 2 && text.contains("refusing a redirect from https to http://"), "\(text)")
        #expect(try leftovers().isEmpty)
        #expect(registry.requests().allSatisfy { ($0["path"] as? String)?.hasPrefix("/v2/ok/") != true })
    }

    /// 100,000 tags over 100 pages: all listed, sorted, once each.
    @Test func aHundredThousandTagsAreAllListed() throws {
        let tags = (0..<100_000).map { String(format: "t%06d", $0) }
        let server = try TestTagsServer(in: directory, repositories: [.init(name: "many", tags: tags.reversed(), pageSize: 1000)])
        let result = try run(manifoldBinary, ["tags", "--tls-verify=false", "\(server.host)/many"] + noAuthFile())
        #expect(result.status == 0, "\(result.stderr)")
        let listed = result.stdout.split(separator: "\n").map(String.init)
        #expect(listed == tags)
    }

    /// Past --max-tags, a listing ends with an error naming the cap (the names are what is
    /// kept in memory, so the cap bounds it); a tag that is not a tag is refused by name. Both
    /// exit 1, as a page over its size limit or malformed does (limits and malformed answers
    /// are content failures throughout manifold).
    @Test func aListingOverItsCapsEndsWithAnErrorNamingTheCap() throws {
        let tags = (0..<1000).map { String(format: "t%04d", $0) }
        let server = try TestTagsServer(in: directory, repositories: [
            .init(name: "many", tags: tags, pageSize: 100), .init(name: "odd", tags: ["ok", "not a tag"]),
        ])
        let capped = try run(manifoldBinary, ["tags", "--tls-verify=false", "--max-tags", "500", "\(server.host)/many"] + noAuthFile())
        #expect(capped.status == 1 && capped.stdout.isEmpty, "\(capped.stdout) \(capped.stderr)")
        #expect(capped.stderr.contains("tags of many: more than 500 tags (the --max-tags limit"), "\(capped.stderr)")
        // Stopped at the page that passed the cap: 500 tags are 5 pages, the 6th passes it.
        let pages = try server.requests().filter { $0.path.hasSuffix("/many/tags/list") }.count
        #expect(pages == 6, "\(pages) pages read")
        let all = try run(manifoldBinary, ["tags", "--tls-verify=false", "--max-tags", "1000", "\(server.host)/many"] + noAuthFile())
        #expect(all.status == 0 && all.stdout.split(separator: "\n").count == 1000, "\(all.stderr)")
        let listed = try run(manifoldBinary, ["ls", "--tls-verify=false", "--max-tags", "999", "\(server.host)/many"] + noAuthFile())
        #expect(listed.status == 1 && listed.stderr.contains("more than 999 tags"), "\(listed.stderr)")
        let odd = try run(manifoldBinary, ["tags", "--tls-verify=false", "\(server.host)/odd"] + noAuthFile())
        #expect(odd.status == 1 && odd.stderr.contains("\"not a tag\" is not a tag"), "\(odd.stderr)")
        let zero = try run(manifoldBinary, ["tags", "--max-tags", "0", "\(server.host)/many"])
        #expect(zero.status == 2 && zero.stderr.contains("--max-tags must be positive"), "\(zero.stderr)")
    }

    /// Every retry counts against one budget: a registry that always answers 503 is asked
    /// again only while the next wait still ends within it, however many attempts are left,
    /// and the error says so.
    @Test func retriesStopAtTheirBudgetWithTheReasonInTheError() throws {
        let registry = try TestHostileRegistry(in: directory)
        let options = RegistryOptions(
            authFile: directory.appendingPathComponent("no-auth.json").path, verifiesTLS: false,
            environment: CredentialEnvironment(variables: [:], homeDirectory: nil, userID: 0))
        // Waits of 100–200 ms (no Retry-After: backoff with jitter in its upper half), a 1 s budget.
        let policy = RetryPolicy(maxAttempts: 100, baseDelay: .milliseconds(200), maxDelay: .milliseconds(200), timeBudget: .seconds(1))
        let client = try options.client(host: registry.host, retry: policy)
        let config = try Digest(parsing: "sha256:6122cb5391865dbd7a831d94e90f66170c5d75a35f963cbe85f9978d9766e80f")
        do {
            _ = try client.blob(try RepositoryReference(parsing: "\(registry.host)/down/app"), digest: config, size: 173) { _ in }
            Issue.record("a registry answering 503 gave the blob")
        } catch let error as ManifoldError {
            #expect(error.message.contains("the registry answered 503"), "\(error.message)")
            #expect(error.message.contains("would pass the retry budget; retries are bounded to 100 attempts and 1 s in all)"), "\(error.message)")
        }
        // At least 100 ms a wait within 1 s: at most 11 attempts, far from the 100 allowed.
        let attempts = registry.requests().filter { ($0["path"] as? String)?.hasSuffix(config.encoded) == true }.count
        #expect((2...11).contains(attempts), "\(attempts) attempts")
    }

    /// An index listing a config where an image belongs: exit 1 with the same words from a
    /// registry and from a layout holding the same index, not exit 2 for a blob the registry
    /// does not have (nor exit 0 with a note from the layout).
    @Test func aConfigWhereAnIndexListsImagesFailsAlikeFromARegistryAndALayout() throws {
        let registry = try TestHostileRegistry(in: directory)
        let layout = work.appendingPathComponent("layout")
        #expect(try run(manifoldBinary, ["pull", registry.image("ok"), "-o", layout.path] + noAuthFile()).status == 0)
        // The layout's index points at the hostile registry's wrongchild index instead.
        let served = try run(manifoldBinary, ["inspect", "--raw", "docker://\(registry.image("wrongchild"))"] + noAuthFile())
        #expect(served.status == 0, "\(served.stderr)")
        let bytes = Array(served.stdout.utf8)
        let digest = try DigestHasher.digest(of: bytes)
        try Data(bytes).write(to: layout.appendingPathComponent("blobs/sha256/\(digest.encoded)"))
        let indexFile = layout.appendingPathComponent("index.json")
        var top = try JSONSerialization.jsonObject(with: Data(contentsOf: indexFile)) as! [String: Any]
        var entries = top["manifests"] as! [[String: Any]]
        entries[0]["digest"] = digest.description
        entries[0]["size"] = bytes.count
        top["manifests"] = entries
        try JSONSerialization.data(withJSONObject: top).write(to: indexFile)
        let words = "manifests[0] (linux/amd64) sha256:7519ef99b22b…: media type application/vnd.oci.image.config.v1+json is a config or layer type, not an index or manifest"
        for target in [layout.path, "docker://\(registry.image("wrongchild"))"] {
            let result = try run(manifoldBinary, ["verify", target] + noAuthFile())
            #expect(result.status == 1 && result.stdout.contains(words), "\(target): \(result.stdout) \(result.stderr)")
        }
    }

    /// docker-registry behind the fault proxy, a fifth of whose connections are reset,
    /// truncated, answered 429/500/503, delayed or throttled: pull, verify and push still
    /// finish, and the pulled layout is byte-identical to one pulled directly.
    @Test(.requires(.skopeo, .dockerRegistry))
    func aFlakyNetworkInFrontOfARealRegistryLosesNothing() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try registry.push(.twoPlatformIndex, to: "manifold/flaky")
        let proxy = try TestFaultProxy(in: directory, upstream: registry.host, rate: 0.2)
        let direct = work.appendingPathComponent("direct"), proxied = work.appendingPathComponent("proxied")
        let flags = noAuthFile() + ["--timeout", "2m"]
        #expect(try run(manifoldBinary, ["pull", "\(registry.host)/\(pushed.repository):v1", "-o", direct.path] + flags).status == 0)
        let pulled = try run(manifoldBinary, ["pull", "\(proxy.host)/\(pushed.repository):v1", "-o", proxied.path] + flags)
        #expect(pulled.status == 0, "\(pulled.stdout) \(pulled.stderr)")
        #expect(try shell("cd '\(work.path)' && diff -r direct proxied && echo same").contains("same"))
        let verified = try run(manifoldBinary, ["verify", "docker://\(proxy.host)/\(pushed.repository):v1"] + flags)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        // A push through it (faults on its HEAD probes and GETs) lands whole: verified directly.
        let pushedThrough = try run(manifoldBinary, ["push", direct.path + ":v1", "\(proxy.host)/manifold/through:v1"] + flags)
        #expect(pushedThrough.status == 0, "\(pushedThrough.stdout) \(pushedThrough.stderr)")
        let landed = try run(manifoldBinary, ["verify", "docker://\(registry.host)/manifold/through:v1"] + flags)
        #expect(landed.status == 0, "\(landed.stdout) \(landed.stderr)")
        #expect(!proxy.faults().isEmpty, "no fault was injected")
    }
}
