import Testing
import Manifold
@testable import ManifoldRegistry

/// RFC 7235 challenges as registries send them: Docker Hub's and distribution's Bearer,
/// htpasswd's Basic, several challenges per header and several headers.
@Suite struct WWWAuthenticateTests {
    @Test func dockerHubBearer() throws {
        let header = #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#
        let parsed = try WWWAuthenticate(parsing: header)
        #expect(parsed.challenges.count == 1)
        let challenge = try #require(parsed.preferred)
        #expect(challenge.isBearer)
        #expect(challenge.realm == "https://auth.docker.io/token")
        #expect(challenge.service == "registry.docker.io")
        #expect(challenge.scopes == [Scope(resourceType: "repository", name: "library/ubuntu", actions: ["pull"])])
        #expect(challenge.error == nil)
    }

    @Test func insufficientScopeWithSeveralScopes() throws {
        let header = #"Bearer realm="https://r.example/token", service="r.example", scope="repository:a/b:pull,push repository:c:pull", error="insufficient_scope""#
        let challenge = try #require(try WWWAuthenticate(parsing: header).challenge("Bearer"))
        #expect(challenge.error == "insufficient_scope")
        #expect(challenge.scopes.map(\.description) == ["repository:a/b:pull,push", "repository:c:pull"])
    }

    @Test func basicWithTokenValuesAndCaseInsensitiveNames() throws {
        let challenge = try #require(try WWWAuthenticate(parsing: #"BASIC Realm=Registry"#).challenges.first)
        #expect(challenge.isBasic)
        #expect(challenge.realm == "Registry")
        #expect(try WWWAuthenticate(parsing: #"Basic realm="Registry Realm""#).challenges.first?.realm == "Registry Realm")
    }

    @Test func quotedStringEscapes() throws {
        let challenge = try #require(try WWWAuthenticate(parsing: #"Basic realm="a \"quoted\" \\ realm, with comma""#).challenges.first)
        #expect(challenge.realm == #"a "quoted" \ realm, with comma"#)
        #expect(challenge.description == #"basic realm="a \"quoted\" \\ realm, with comma""#)
    }

    /// A backslash followed by a combining mark is one Character: rendered by scalar, it is
    /// escaped, and the rendering parses back to the same value (fuzz:
    /// backslash-before-combining-mark).
    @Test func aBackslashBeforeACombiningMarkRendersBackToItself() throws {
        let mark = "\u{6E3}"
        let challenge = try #require(try WWWAuthenticate(parsing: #"Bearer realm="a\\"# + mark + #"b""#).challenges.first)
        let realm = #"a\"# + mark + "b"
        let rendered = #"bearer realm="a\\"# + mark + #"b""#
        #expect(challenge.realm == realm)
        #expect(challenge.description == rendered)
        #expect(try WWWAuthenticate(parsing: challenge.description).challenges == [challenge])
    }

    @Test func severalChallengesInOneHeader() throws {
        let header = #"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Bearer realm="https://t/token",service=svc"#
        let parsed = try WWWAuthenticate(parsing: header)
        #expect(parsed.challenges.map(\.scheme) == ["newauth", "basic", "bearer"])
        #expect(parsed.challenges[0].parameters == ["realm": "apps", "type": "1", "title": #"Login to "apps""#])
        #expect(parsed.challenges[1].realm == "simple")
        #expect(parsed.challenges[2].service == "svc")
        // Bearer is preferred over Basic whatever the order.
        #expect(parsed.preferred?.scheme == "bearer")
    }

    @Test func severalHeadersAndBareSchemesAndToken68() throws {
        let parsed = try WWWAuthenticate(parsing: [#"Basic realm="one""#, "Negotiate", "Other abc+/def==, Basic realm=two", " , Bearer realm=x ,"])
        #expect(parsed.challenges.map(\.scheme) == ["basic", "negotiate", "other", "basic", "bearer"])
        #expect(parsed.challenges[1].parameters.isEmpty && parsed.challenges[1].token68 == nil)
        #expect(parsed.challenges[2].token68 == "abc+/def==")
        #expect(parsed.challenges[3].realm == "two")
        #expect(parsed.challenges[4].realm == "x")
    }

    @Test(arguments: [
        "",                                       // no challenge
        "   ",
        #"Bearer realm="unterminated"#,
        #"Bearer realm="a",realm="b""#,           // a parameter twice
        "Bearer realm=,service=x",               // a parameter without a value
        #"Bearer realm="a" service="b""#,         // no comma between parameters
        "Bearer realm=\"a\u{01}\"",               // a control character
        "Bearer realm=\"a\\\u{0B}b\"",            // an escaped one (fuzz: escaped-control-character)
        #"Bearer realm="a\"#,                     // a backslash at the end
        "=realm",
        #"Bearer, ="x""#,
    ])
    func malformedHeadersAreErrors(_ header: String) {
        do {
            let parsed = try WWWAuthenticate(parsing: header)
            Issue.record("parsed as \(parsed.challenges)")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("invalid WWW-Authenticate header"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
