import Foundation
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// The registry client's own rules, against Vectors/registry/flaky_registry.py (a registry
/// that drops connections, answers resumes wrongly, is busy, redirects) and as units.
@Suite struct RegistryClientTests {
    static let blob = (0..<300_000).map { UInt8($0 % 251) }
    static let digest = try! DigestHasher.digest(of: blob)

    /// The flaky registry, stopped when released.
    final class FlakyRegistry {
        let port: Int
        let logFile: URL
        private let server: TestServerProcess

        init(in directory: URL) throws {
            logFile = directory.appendingPathComponent("flaky-requests.jsonl")
            let portFile = directory.appendingPathComponent("flaky.port")
            server = try TestServerProcess("flaky registry", [
                "python3", vectorsDirectory.appendingPathComponent("registry/flaky_registry.py").path,
                "--port-file", portFile.path, "--log", logFile.path,
            ], log: directory.appendingPathComponent("flaky.log"))
            port = try server.waitForPortFile(portFile)
        }

        var host: String { "127.0.0.1:\(port)" }

        func requests() throws -> [[String: Any]] {
            guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func client(creds: RegistryCredential? = nil) throws -> RegistryClient {
            let options = RegistryOptions(
                authFile: "/nonexistent/auth.json", credential: creds, verifiesTLS: false,
                environment: CredentialEnvironment(variables: [:], homeDirectory: nil, userID: 0))
            return try options.client(host: host, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10)))
        }
    }

    /// Fetches the blob from `repository`, returning every byte consumed, in order.
    func fetch(_ client: RegistryClient, _ repository: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let found = try client.blob(try RepositoryReference(parsing: "\(client.host)/\(repository)"), digest: Self.digest,
                                    size: UInt64(Self.blob.count)) { bytes += $0 }
        #expect(found)
        return bytes
    }

    @Test func aDroppedBlobResumesWithRangeOrRestartsSkippingWhatWasConsumed() throws {
        let registry = try FlakyRegistry(in: try ImageFixtures.temporaryDirectory())
        let client = try registry.client()
        for repository in ["drop", "norange", "badrange"] {
            let bytes = try fetch(client, repository)
            #expect(bytes.count == Self.blob.count && bytes == Self.blob, "\(repository): each byte once, in order")
        }
        let ranges = try registry.requests().filter { ($0["path"] as? String)?.contains("/blobs/") == true }
        // drop: resumed from the middle; norange: resumed, answered whole; badrange: a wrong
        // 206, then asked for whole without a Range.
        #expect(ranges.map { $0["range"] as? String } == [nil, "bytes=150000-", nil, "bytes=150000-", nil, "bytes=150000-", nil], "\(ranges)")
    }

    @Test func busyAnswersAreRetriedHonouringRetryAfter() throws {
        let registry = try FlakyRegistry(in: try ImageFixtures.temporaryDirectory())
        let started = Date()
        #expect(try fetch(try registry.client(), "busy") == Self.blob)
        // Retry-After 1 (seconds), then an HTTP-date about a second ahead.
        #expect(Date().timeIntervalSince(started) >= 1)
    }

    @Test func credentialsStayWithTheRegistryOnARedirect() throws {
        let registry = try FlakyRegistry(in: try ImageFixtures.temporaryDirectory())
        let client = try registry.client(creds: RegistryCredential(username: "user", password: "pass", source: "test"))
        #expect(try fetch(client, "auth") == Self.blob)
        let requests = try registry.requests()
        let storage = requests.filter { ($0["path"] as? String)?.hasPrefix("/storage/") == true }
        #expect(storage.count == 1 && storage.allSatisfy { $0["authorization"] as? Bool == false && ($0["host"] as? String)?.hasPrefix("localhost") == true }, "\(requests)")
        // Without credentials: a clear error, after one challenge, not a loop.
        #expect(throws: ManifoldError.self) { try fetch(try registry.client(), "auth") }
        let anonymous = try registry.client()
        do {
            _ = try fetch(anonymous, "auth")
        } catch let error as ManifoldError {
            #expect(error.message.contains("requires authentication") && error.message.contains("no credentials were found"), "\(error.message)")
        }
    }

    @Test func aRefusedTokenIsRenewedOnceThenTheErrorIsClear() throws {
        let registry = try FlakyRegistry(in: try ImageFixtures.temporaryDirectory())
        // The first token is stale: one fresh token, and the blob comes.
        #expect(try fetch(try registry.client(), "bearer") == Self.blob)
        func tokenRequests() throws -> Int { try registry.requests().filter { ($0["path"] as? String)?.hasPrefix("/token") == true }.count }
        #expect(try tokenRequests() == 2)
        // Every token is refused: two token requests, then an error — never a loop.
        do {
            _ = try fetch(try registry.client(), "revoked")
            Issue.record("a refused token was accepted")
        } catch let error as ManifoldError {
            #expect(error.message.contains("requires authentication for revoked"), "\(error.message)")
        }
        #expect(try tokenRequests() == 4)
    }

    @Test func schemaOneIsRefusedWithAClearMessage() throws {
        let registry = try FlakyRegistry(in: try ImageFixtures.temporaryDirectory())
        let client = try registry.client()
        do {
            _ = try client.manifest(try RepositoryReference(parsing: "\(registry.host)/schema1"), reference: "old", limit: 1 << 20)
            Issue.record("schema 1 was accepted")
        } catch let error as ManifoldError {
            #expect(error.code == .unsupportedFormat && error.message.contains("schema 1"), "\(error.message)")
        }
    }

    @Test(arguments: [
        ("7", 7.0), ("0", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_480.0 - 1_445_412_000.0),
    ]) func retryAfterIsSecondsOrAnHTTPDate(_ value: String, _ seconds: Double) {
        #expect(RetryPolicy.retryAfterSeconds(value, now: 1_445_412_000) == seconds)
    }

    @Test func retryDelaysGrowAreJitteredAndCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), maxRetryAfter: .seconds(5))
        for attempt in 1...6 {
            let nominal = min(100 * (1 << (attempt - 1)), 1000)
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            #expect(delay >= .milliseconds(nominal / 2) && delay <= .milliseconds(nominal), "attempt \(attempt): \(delay)")
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: "3600") == .seconds(5), "Retry-After is capped")
        #expect(policy.delay(afterAttempt: 1, retryAfter: "soon") <= .milliseconds(100), "an unreadable Retry-After is ignored")
        #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: 408))
        #expect(!RetryPolicy.isRetryable(status: 404) && !RetryPolicy.isRetryable(status: 401))
    }

    /// One budget for a request's attempts and waits: a Retry-After within the cap and the
    /// budget is waited; one over the cap is not waited at all; a wait that would end past the
    /// budget is not begun; each refusal says which bound it was.
    @Test func retriesAreDecidedAgainstOneBudget() {
        let policy = RetryPolicy(maxAttempts: 5, maxRetryAfter: .seconds(30), timeBudget: .seconds(120))
        #expect(policy.decision(afterAttempt: 1, retryAfter: "3", elapsed: 0) == .wait(.seconds(3)))
        #expect(policy.decision(afterAttempt: 4, retryAfter: "30", elapsed: 90) == .wait(.seconds(30)))
        let bounds = "retries are bounded to 5 attempts and 120 s in all"
        #expect(policy.decision(afterAttempt: 1, retryAfter: "100000", elapsed: 0)
                == .giveUp("not retried: the registry asks to wait 100000 s (Retry-After), more than the 30 s waited for; \(bounds)"))
        #expect(policy.decision(afterAttempt: 2, retryAfter: "3", elapsed: 118)
                == .giveUp("gave up after 2 attempts: another wait of 3 s would pass the retry budget; \(bounds)"))
        #expect(policy.decision(afterAttempt: 5, retryAfter: "1", elapsed: 0) == .giveUp("gave up after 5 attempts; \(bounds)"))
    }

    @Test func httpDatesAreIMFFixdateOnly() {
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.secondsSinceEpoch("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate.secondsSinceEpoch("Sun, 06 Nov 1994 08:49:37 PST") == nil)
    }

    @Test func redirectsAndLinksResolveAgainstTheURL() throws {
        let base = try URLParts("https://Reg.example:5000/v2/app/tags/list?n=2")
        #expect(base.authority == "reg.example:5000")
        #expect(try base.resolving("/v2/app/tags/list?n=2&last=b").url == "https://reg.example:5000/v2/app/tags/list?n=2&last=b")
        #expect(try base.resolving("http://storage/blob?sig=x").scheme == "http")
        #expect(try base.resolving("//cdn.example/b").url == "https://cdn.example/b")
        #expect(try base.resolving("list?x").url == "https://reg.example:5000/v2/app/tags/list?x")
        #expect(try URLParts("https://user:pw@h/p?token=secret").redacted == "https://h/p")
        #expect(RegistryClient.nextLink([#"</v2/a/tags/list?n=2&last=b>; rel="next""#]) == "/v2/a/tags/list?n=2&last=b")
        #expect(RegistryClient.nextLink([#"<https://x/prev>; rel="prev""#, #"<https://x/next>; rel=next"#]) == "https://x/next")
        #expect(RegistryClient.nextLink(["nonsense"]) == nil)
        #expect(RegistryClient.contentRangeStart("bytes 100-199/200") == 100)
        #expect(RegistryClient.contentRangeStart("bytes */200") == nil)
        #expect(RegistryClient.errorDetail(Array(#"{"errors":[{"code":"DENIED","message":"no"}]}"#.utf8)) == ": DENIED: no")
    }
}
