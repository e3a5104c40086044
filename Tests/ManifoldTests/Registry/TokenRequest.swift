/// One request the test token server answered, as its log records it.
struct TokenRequest: Decodable, Sendable, Equatable {
    /// An access entry of a token: `repository`, its name and the actions granted.
    struct Access: Decodable, Sendable, Equatable {
        let type: String
        let name: String
        let actions: [String]
    }

    /// `GET` (the Docker token flow) or `POST` (the OAuth2 form, with `grantType`).
    let method: String
    let status: Int
    /// The `scope` parameters as sent, e.g. `repository:library/alpine:pull`.
    let scopes: [String]
    /// The Basic user name (GET), the form's `username` (POST) or the refresh token's owner.
    let username: String?
    let service: String?
    let granted: [Access]?
    let grantType: String?
    let offlineToken: Bool?
    let refreshTokenIssued: Bool?
    /// The Host header: which name the client used to reach the realm.
    let host: String?

    enum CodingKeys: String, CodingKey {
        case method, status, scopes, username, service, granted, host
        case grantType = "grant_type", offlineToken = "offline_token", refreshTokenIssued = "refresh_token_issued"
    }
}
