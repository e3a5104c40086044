import Testing
import Manifold
@testable import ManifoldRegistry

/// Token responses, scopes and the token cache.
@Suite struct TokenTests {
    static func decode(_ json: String) throws -> BearerTokenResponse {
        try BearerTokenResponse(decoding: Array(json.utf8), realm: "https://auth.example/token")
    }

    @Test func tokenAndDefaults() throws {
        let response = try Self.decode(#"{"token":"abc"}"#)
        #expect(response.token == "abc")
        #expect(response.expiresIn == 60)
        #expect(response.issuedAt == nil)
        #expect(response.refreshToken == nil)
        #expect(response.expiry(receivedAt: 1000) == 1060)
    }

    @Test func accessTokenIssuedAtAndRefreshToken() throws {
        let response = try Self.decode(#"{"access_token":"xyz","expires_in":300,"issued_at":"2026-12-01T08:00:00.5Z","refresh_token":"r1","extra":[1]}"#)
        #expect(response.token == "xyz")
        #expect(response.expiresIn == 300)
        #expect(response.issuedAt == 1_796_112_000.5)
        #expect(response.refreshToken == "r1")
        // Issued before it was received: counted from issued_at.
        #expect(response.expiry(receivedAt: 1_796_112_010) == 1_796_112_300.5)
        // A server clock ahead of ours does not lengthen the token's life.
        #expect(response.expiry(receivedAt: 1_796_111_000) == 1_796_111_300)
    }

    @Test func tokenWinsOverAccessTokenAndOffsetsAreRead() throws {
        let response = try Self.decode(#"{"token":"t","access_token":"a","issued_at":"1970-01-01T02:00:00+02:00","expires_in":10}"#)
        #expect(response.token == "t")
        #expect(response.issuedAt == 0)
        #expect(response.expiresIn == 60)   // raised to the spec's minimum
        #expect(try Self.decode(#"{"token":"","access_token":"a"}"#).token == "a")
    }

    @Test(arguments: [
        (#"{}"#, "neither"),
        (#"{"token":""}"#, "neither"),
        (#"{"token":5}"#, "\"token\" must be a string"),
        (#"{"token":"a","expires_in":"60"}"#, "\"expires_in\" must be a number"),
        (#"{"token":"a","issued_at":"yesterday"}"#, "not an RFC 3339"),
        (#"{"token":"a","issued_at":"2026-13-01T00:00:00Z"}"#, "not an RFC 3339"),
        (#"["token"]"#, "expected a JSON object"),
        (#"{"token":"a","token":"b"}"#, "invalid JSON"),    // the strict parser refuses duplicates
        (#"{"token":"a"} x"#, "invalid JSON"),
        // A CR LF would end the Authorization line and add a header of the server's choosing.
        (#"{"token":"a\r\nX-Injected: 1"}"#, "the token holds a control character"),
        (#"{"access_token":"a\u007f"}"#, "the token holds a control character"),
    ])
    func badResponsesAreErrorsNamingTheRealm(_ json: String, _ says: String) {
        do {
            _ = try Self.decode(json)
            Issue.record("decoded")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidDocument)
            #expect(error.message.contains("token response from \"https://auth.example/token\""), "\(error.message)")
            #expect(error.message.contains(says), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func scopesParseFormatAndMerge() throws {
        let scope = try Scope(parsing: "repository:localhost:5000/app:push,pull")
        #expect(scope.resourceType == "repository")
        #expect(scope.name == "localhost:5000/app")
        #expect(scope.actions == ["pull", "push"])
        #expect(scope.description == "repository:localhost:5000/app:pull,push")
        #expect(errorCode { _ = try Scope(parsing: "repository:pull") } == .invalidArgument)
        #expect(errorCode { _ = try Scope(parsing: ":name:pull") } == .invalidArgument)

        let repository = try RepositoryReference(parsing: "ubuntu")
        #expect(Scope.pull(repository).description == "repository:library/ubuntu:pull")
        let merged = Scope.merged([
            Scope.pull(repository),
            try Scope(parsing: "repository:b/c:pull"),
            .repository(repository, actions: ["push", "pull"]),
            try Scope(parsing: "registry:catalog:*"),
        ])
        #expect(merged.map(\.description) == ["registry:catalog:*", "repository:b/c:pull", "repository:library/ubuntu:pull,push"])
        #expect(merged[2].covers(Scope.pull(repository)))
        #expect(!Scope.pull(repository).covers(merged[2]))
        #expect(merged[0].covers(try Scope(parsing: "registry:catalog:list")))
    }

    /// A clock the test moves.
    final class TestClock: Sendable {
        let now = Locked(1_000.0)
        var closure: @Sendable () -> Double { { [now] in now.withLock { $0 } } }
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    @Test func cacheKeepsTokensUntilTheSafetyMargin() throws {
        let clock = TestClock()
        let cache = TokenCache(safetyMargin: 10, clock: clock.closure)
        let repository = try RepositoryReference(parsing: "ubuntu")
        let key = TokenCache.Key(realm: "https://auth/token", service: "svc", scopes: [.pull(repository)])
        // The same scopes in another order and form are the same key.
        let sameKey = TokenCache.Key(realm: "https://auth/token", service: "svc",
                                     scopes: [.pull(repository), try Scope(parsing: "repository:library/ubuntu:pull")])
        #expect(key == sameKey)
        let otherService = TokenCache.Key(realm: "https://auth/token", service: "other", scopes: [.pull(repository)])

        #expect(cache.token(for: key) == nil)
        cache.store(BearerTokenResponse(token: "t1", expiresIn: 100), for: key)
        #expect(cache.token(for: sameKey) == "t1")
        #expect(cache.token(for: otherService) == nil)
        clock.advance(89)
        #expect(cache.token(for: key) == "t1")      // 11 seconds left
        clock.advance(1)
        #expect(cache.token(for: key) == nil)       // 10 left: within the margin
        cache.store(BearerTokenResponse(token: "t2", expiresIn: 100), for: key)
        #expect(cache.token(for: key) == "t2")
        cache.invalidate(key)
        #expect(cache.token(for: key) == nil)
    }

    @Test func shortTokensKeepHalfTheirLifeAndRefreshTokensArePerRealmAndService() throws {
        let clock = TestClock()
        let cache = TokenCache(safetyMargin: 50, clock: clock.closure)
        let key = TokenCache.Key(realm: "r", service: nil, scopes: [])
        cache.store(BearerTokenResponse(token: "t", expiresIn: 60, refreshToken: "refresh"), for: key)
        clock.advance(29)
        #expect(cache.token(for: key) == "t")       // margin capped at half of 60 seconds
        clock.advance(1)
        #expect(cache.token(for: key) == nil)
        #expect(cache.refreshToken(realm: "r", service: nil) == "refresh")
        #expect(cache.refreshToken(realm: "r", service: "s") == nil)
    }

    @Test func cacheIsSafeUnderConcurrentUse() async throws {
        let cache = TokenCache()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let key = TokenCache.Key(realm: "r", service: "s", scopes: [Scope(resourceType: "repository", name: "r\(index % 8)", actions: ["pull"])])
                    cache.store(BearerTokenResponse(token: "t\(index % 8)"), for: key)
                    _ = cache.token(for: key)
                    if index % 5 == 0 { cache.invalidate(key) }
                }
            }
        }
        let key = TokenCache.Key(realm: "r", service: "s", scopes: [Scope(resourceType: "repository", name: "r1", actions: ["pull"])])
        cache.store(BearerTokenResponse(token: "final"), for: key)
        #expect(cache.token(for: key) == "final")
    }
}
