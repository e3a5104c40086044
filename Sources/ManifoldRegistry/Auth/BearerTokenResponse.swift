// https://distribution.github.io/distribution/spec/auth/token/#token-response-fields
// https://distribution.github.io/distribution/spec/auth/oauth/ (access_token, refresh_token)

import Manifold

/// A token server's answer: the bearer token, how long it lives, when it was issued and,
/// from an OAuth2 exchange, a refresh token.
///
/// Decoded with Manifold's strict JSON parser. `token` and `access_token` are synonyms
/// (`token` wins when both are given, as Docker's client does); `expires_in` defaults to 60
/// seconds and is raised to 60 when lower, the spec's minimum; `issued_at` is an RFC 3339
/// date. Unknown fields are ignored, as the spec allows extensions. A token with a control
/// character is refused: it could not go into a header without ending it.
public struct BearerTokenResponse: Hashable, Sendable {
    /// The spec's default and minimum lifetime, in seconds.
    public static let minimumLifetime = 60

    /// The token to send as `Authorization: Bearer …`.
    public let token: String
    /// Lifetime in seconds from ``issuedAt`` (at least ``minimumLifetime``).
    public let expiresIn: Int
    /// When the server says it issued the token, seconds since the epoch, if it said.
    public let issuedAt: Double?
    /// A refresh token for later token requests without the password, if one was given.
    public let refreshToken: String?

    /// A response from its fields; a lifetime below ``minimumLifetime`` is raised to it.
    public init(token: String, expiresIn: Int = minimumLifetime, issuedAt: Double? = nil, refreshToken: String? = nil) {
        self.token = token
        self.expiresIn = max(expiresIn, Self.minimumLifetime)
        self.issuedAt = issuedAt
        self.refreshToken = refreshToken
    }

    /// Decodes a token response body; `realm` names the server in messages.
    public init(decoding bytes: [UInt8], realm: String) throws {
        func failure(_ reason: String) -> ManifoldError {
            ManifoldError(.invalidDocument, "token response from \(quoted(realm)): \(reason)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as ManifoldError {
            throw error.prefixed("token response from \(quoted(realm))")
        }
        guard case .object(let object) = value else { throw failure("expected a JSON object, got \(value.typeName)") }
        func string(_ key: String) throws -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw failure("\"\(key)\" must be a string, got \(other.typeName)")
            }
        }
        let token = try string("token").flatMap { $0.isEmpty ? nil : $0 }
            ?? string("access_token").flatMap { $0.isEmpty ? nil : $0 }
        guard let token else { throw failure("neither \"token\" nor \"access_token\" is given") }
        // The token goes into an `Authorization` header as it is: a CR or LF would end that
        // line and let the token server write headers of its own into registry requests.
        guard token.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw failure("the token holds a control character, which cannot be sent in a header")
        }
        var expiresIn = Self.minimumLifetime
        switch object["expires_in"] {
        case nil, .null?: break
        case .number(let literal)?:
            // An integer in the spec; a fraction or an exponent is read by its integer part.
            let integerPart = literal.prefix { $0 != "." && $0 != "e" && $0 != "E" }
            guard let seconds = Int(integerPart) else { throw failure("\"expires_in\" \(literal) is not a number of seconds") }
            expiresIn = seconds
        case let other?:
            throw failure("\"expires_in\" must be a number, got \(other.typeName)")
        }
        var issuedAt: Double?
        if let text = try string("issued_at") {
            guard let seconds = RFC3339Time.secondsSinceEpoch(text) else {
                throw failure("\"issued_at\" \(quoted(text)) is not an RFC 3339 date-time")
            }
            issuedAt = seconds
        }
        self.init(token: token, expiresIn: expiresIn, issuedAt: issuedAt,
                  refreshToken: try string("refresh_token").flatMap { $0.isEmpty ? nil : $0 })
    }

    /// When the token stops being valid, in seconds since the epoch. Counted from
    /// `issued_at`, but never from later than `receivedAt`: a server clock running ahead
    /// must not make a token look longer-lived than it is.
    public func expiry(receivedAt: Double) -> Double {
        min(issuedAt ?? receivedAt, receivedAt) + Double(expiresIn)
    }
}
