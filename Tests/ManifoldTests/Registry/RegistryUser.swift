/// A user of the test registries and the token server.
///
/// The Basic-auth registry lets both users push (htpasswd knows no scopes); the token server
/// grants the reader `pull` and the writer `pull` and `push` on every repository, and the
/// anonymous user `pull` on `public/…` only.
struct RegistryUser: Sendable, Hashable {
    let name: String
    let password: String

    static let reader = RegistryUser(name: "reader", password: "reader-secret")
    static let writer = RegistryUser(name: "writer", password: "writer-secret")
    static let all = [reader, writer]

    /// `USER:PASSWORD`, for `skopeo --creds` and `curl -u`.
    var creds: String { "\(name):\(password)" }
}
