import Testing
import Manifold
@testable import ManifoldRegistry

/// Token requests built from challenges: the URL, the OAuth2 form and the realm rules.
@Suite struct TokenRequestTests {
    static func bearer(_ header: String) throws -> AuthenticationChallenge {
        try #require(try WWWAuthenticate(parsing: header).challenge("bearer"))
    }

    @Test func getURLCarriesServiceScopesAndAccount() throws {
        let challenge = try Self.bearer(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#)
        let request = try ManifoldRegistry.TokenRequest(challenge: challenge, scopes: [try Scope(parsing: "repository:library/ubuntu:push")], registryUsesTLS: true)
        #expect(request.scopes.map(\.description) == ["repository:library/ubuntu:pull,push"])
        #expect(request.url() == "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fubuntu%3Apull%2Cpush")
        #expect(request.url(account: "me@x") == request.url() + "&account=me%40x")
        #expect(request.cacheKey == TokenCache.Key(realm: "https://auth.docker.io/token", service: "registry.docker.io",
                                                   scopes: [try Scope(parsing: "repository:library/ubuntu:push,pull")]))

        let withQuery = try ManifoldRegistry.TokenRequest(challenge: try Self.bearer(#"Bearer realm="https://t.example/token?x=1""#), registryUsesTLS: true)
        #expect(withQuery.url() == "https://t.example/token?x=1")
        #expect(try ManifoldRegistry.TokenRequest(challenge: try Self.bearer(#"Bearer realm="https://t.example/token?x=1",service=s"#), registryUsesTLS: true)
            .url() == "https://t.example/token?x=1&service=s")
    }

    @Test func refreshFormAndBasicAuthorization() throws {
        let request = try ManifoldRegistry.TokenRequest(challenge: try Self.bearer(#"Bearer realm="https://t/token",service="svc",scope="repository:a:pull""#), registryUsesTLS: true)
        #expect(request.refreshForm(refreshToken: "r+t/=") ==
            "grant_type=refresh_token&refresh_token=r%2Bt%2F%3D&service=svc&client_id=manifold&scope=repository%3Aa%3Apull")
        #expect(ManifoldRegistry.TokenRequest.basicAuthorization(username: "aladdin", password: "opensesame") == "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
    }

    @Test func realmRules() throws {
        let plain = try Self.bearer(#"Bearer realm="http://t.example/token""#)
        // Plain HTTP realm: fine for a plain HTTP registry, refused for a TLS one.
        #expect(try ManifoldRegistry.TokenRequest(challenge: plain, registryUsesTLS: false).realm == "http://t.example/token")
        do {
            _ = try ManifoldRegistry.TokenRequest(challenge: plain, registryUsesTLS: true)
            Issue.record("no error")
        } catch let error as ManifoldError {
            #expect(error.message.contains("plain http for a registry reached over https"))
        }
        #expect(errorCode { _ = try ManifoldRegistry.TokenRequest(challenge: try Self.bearer(#"Bearer realm="ftp://t/token""#), registryUsesTLS: true) } == .invalidArgument)
        #expect(errorCode { _ = try ManifoldRegistry.TokenRequest(challenge: try Self.bearer(#"Bearer service="x""#), registryUsesTLS: true) } == .invalidArgument)
        let basic = try #require(try WWWAuthenticate(parsing: #"Basic realm="r""#).challenges.first)
        #expect(errorCode { _ = try ManifoldRegistry.TokenRequest(challenge: basic, registryUsesTLS: true) } == .invalidArgument)
    }
}
