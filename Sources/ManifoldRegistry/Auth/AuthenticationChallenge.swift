// https://www.rfc-editor.org/rfc/rfc7235#section-2.1
// https://distribution.github.io/distribution/spec/auth/token/ (Bearer: realm, service, scope)

/// One challenge of a `WWW-Authenticate` header: a scheme (`Basic`, `Bearer`) and either
/// parameters (`realm="…"`, `service="…"`, `scope="…"`, `error="…"`) or a token68.
///
/// Scheme and parameter names are case-insensitive (RFC 7235 §2.1); they are kept
/// lowercased here, values exactly as sent (quoted strings unescaped).
public struct AuthenticationChallenge: Hashable, Sendable, CustomStringConvertible {
    /// The scheme, lowercased: `basic`, `bearer`.
    public let scheme: String
    /// The parameters by lowercased name.
    public let parameters: [String: String]
    /// The token68 form (`Negotiate abc==`), when the challenge has one instead of parameters.
    public let token68: String?

    /// A challenge; the scheme and parameter names are lowercased.
    public init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme.lowercased()
        self.parameters = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key.lowercased(), $0.value) })
        self.token68 = token68
    }

    /// True for `Basic`.
    public var isBasic: Bool { scheme == "basic" }
    /// True for `Bearer`, the token flow registries use.
    public var isBearer: Bool { scheme == "bearer" }

    /// Where to ask for a token (Bearer) or the protection space's name (Basic).
    public var realm: String? { parameters["realm"] }
    /// The `service` to name in the token request.
    public var service: String? { parameters["service"] }
    /// The scopes the registry asks for, split on spaces (one parameter may carry several).
    /// A scope that is not `type:name:actions` is left out; the raw text stays in
    /// ``parameters``.
    public var scopes: [Scope] {
        guard let scope = parameters["scope"] else { return [] }
        return scope.split(separator: " ").compactMap { try? Scope(parsing: String($0)) }
    }
    /// The `error` parameter (`insufficient_scope`, `invalid_token`), when the registry gave one.
    public var error: String? { parameters["error"] }

    /// The challenge as a header would carry it, parameters sorted by name.
    public var description: String {
        if let token68 { return "\(scheme) \(token68)" }
        let rendered = parameters.sorted { $0.key < $1.key }.map { key, value in
            // By scalar, not Character: a backslash followed by a combining mark is one
            // Character, and left unescaped it would escape the next byte when read again.
            var escaped = String.UnicodeScalarView()
            for scalar in value.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { escaped.append("\\") }
                escaped.append(scalar)
            }
            return "\(key)=\"\(String(escaped))\""
        }
        return rendered.isEmpty ? scheme : "\(scheme) \(rendered.joined(separator: ","))"
    }
}
