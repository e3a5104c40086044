import Manifold

/// Credentials for one registry, and where they were found.
///
/// Either a user name and password (Basic auth, or the password grant of a token server),
/// or an identity token (an OAuth2 refresh token that `docker login` stored, sent to the
/// token server instead of a password).
public struct RegistryCredential: Hashable, Sendable, CustomStringConvertible {
    public let username: String
    public let password: String
    /// An identity token, when the credential is one (then ``password`` is empty).
    public let identityToken: String?
    /// Where the credential came from, for messages: `--creds`, a file's path, or
    /// `docker-credential-NAME`. Never the secret.
    public let source: String

    /// A credential; `source` says where it came from, for messages.
    public init(username: String, password: String, identityToken: String? = nil, source: String) {
        self.username = username
        self.password = password
        self.identityToken = identityToken
        self.source = source
    }

    /// `USER[:PASS]` as `--creds` takes it: split at the first `:` (a password may contain
    /// more). A missing password is nil, for the command to ask for; an empty user name is
    /// an error.
    public static func parseCreds(_ text: String) throws -> (username: String, password: String?) {
        guard !text.isEmpty else { throw ManifoldError(.invalidArgument, "--creds: credentials can't be empty") }
        guard let colon = text.firstIndex(of: ":") else { return (text, nil) }
        let username = String(text[..<colon])
        guard !username.isEmpty else { throw ManifoldError(.invalidArgument, "--creds: username can't be empty") }
        return (username, String(text[text.index(after: colon)...]))
    }

    /// Names the user and the source, never the secret.
    public var description: String {
        identityToken != nil ? "identity token from \(source)" : "user \(quoted(username)) from \(source)"
    }
}
