// https://distribution.github.io/distribution/spec/auth/token/ (GET realm?service=…&scope=…)
// https://distribution.github.io/distribution/spec/auth/oauth/ (POST, grant_type=refresh_token)

import Manifold

/// A request to a token server, built from a registry's Bearer challenge and the scopes the
/// client needs: where to send it, what to send, and the cache key its answer is kept under.
///
/// The realm must be an absolute `http` or `https` URL, and `https` whenever the registry
/// is reached over `https`: a token realm on plain HTTP for a TLS registry would send the
/// user's password in the clear, so it is refused, never followed.
public struct TokenRequest: Hashable, Sendable {
    /// The token server's URL, as the challenge gave it.
    public let realm: String
    /// The `service` to name, if the challenge gave one.
    public let service: String?
    /// The scopes asked for: the challenge's and the client's, merged.
    public let scopes: [Scope]

    /// - Parameters:
    ///   - challenge: the registry's `Bearer` challenge.
    ///   - scopes: what the client needs beyond what the challenge names (push, or the
    ///     repository of a cross-repository mount).
    ///   - registryUsesTLS: whether the registry itself is reached over `https`.
    public init(challenge: AuthenticationChallenge, scopes: [Scope] = [], registryUsesTLS: Bool) throws {
        guard challenge.isBearer else {
            throw ManifoldError(.invalidArgument, "a token is requested for a Bearer challenge, not \(quoted(challenge.scheme))")
        }
        guard let realm = challenge.realm, !realm.isEmpty else {
            throw ManifoldError(.invalidArgument, "the registry's Bearer challenge names no realm")
        }
        let lowered = realm.lowercased()
        let isHTTPS = lowered.hasPrefix("https://")
        guard isHTTPS || lowered.hasPrefix("http://"), !realm.contains(where: { $0 == " " || $0 == "#" }) else {
            throw ManifoldError(.invalidArgument, "token realm \(quoted(realm)) is not an http(s) URL")
        }
        guard isHTTPS || !registryUsesTLS else {
            throw ManifoldError(
                .invalidArgument,
                "token realm \(quoted(realm)) is plain http for a registry reached over https; refusing to send credentials there")
        }
        self.realm = realm
        self.service = challenge.service
        self.scopes = Scope.merged(challenge.scopes + scopes)
    }

    /// What the answer is cached under.
    public var cacheKey: TokenCache.Key {
        TokenCache.Key(realm: realm, service: service, scopes: scopes)
    }

    /// The URL of the `GET` request: the realm with `service`, each `scope` and, when a
    /// user name is known, `account` added to its query.
    public func url(account: String? = nil) -> String {
        var query: [(String, String)] = []
        if let service { query.append(("service", service)) }
        for scope in scopes { query.append(("scope", scope.description)) }
        if let account, !account.isEmpty { query.append(("account", account)) }
        guard !query.isEmpty else { return realm }
        let separator = realm.contains("?") ? "&" : "?"
        return realm + separator + Self.formEncoded(query)
    }

    /// The body of the OAuth2 `POST` (`application/x-www-form-urlencoded`) that trades an
    /// identity (refresh) token for an access token.
    public func refreshForm(refreshToken: String, clientID: String = "manifold") -> String {
        var fields: [(String, String)] = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let service { fields.append(("service", service)) }
        fields.append(("client_id", clientID))
        if !scopes.isEmpty { fields.append(("scope", scopes.map(\.description).joined(separator: " "))) }
        return Self.formEncoded(fields)
    }

    /// `Basic base64(user:password)`, the `Authorization` value for Basic auth and for a
    /// token `GET` with a password.
    public static func basicAuthorization(username: String, password: String) -> String {
        "Basic " + Base64.encode(Array("\(username):\(password)".utf8))
    }

    /// `name=value&…`, every byte outside RFC 3986's unreserved set percent-encoded.
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
