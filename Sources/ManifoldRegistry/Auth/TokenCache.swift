import Manifold

/// Bearer tokens kept until shortly before they expire, one per realm, service and set of
/// scopes — so blobs fetched in parallel for one repository share one token request.
///
/// Thread-safe (one ``Locked`` dictionary). A token is handed out only while at least the
/// safety margin of its life is left, so a request never starts with a token that runs out
/// in flight. After a 401 the client calls ``invalidate(_:)`` and asks once more; that the
/// second failure is final is the client's rule, not the cache's.
public final class TokenCache: Sendable {
    /// What a token was issued for.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        /// The token server's URL, from the challenge.
        public let realm: String
        /// The `service` the challenge named, if any.
        public let service: String?
        /// Merged and sorted (``Scope/merged(_:)``), so the same request has the same key.
        public let scopes: [Scope]

        /// A key; `scopes` are merged and sorted here.
        public init(realm: String, service: String?, scopes: [Scope]) {
            self.realm = realm
            self.service = service
            self.scopes = Scope.merged(scopes)
        }

        /// For debugging output: realm, service and scopes.
        public var description: String {
            "\(realm) service=\(service ?? "-") scope=\(scopes.map(\.description).joined(separator: " "))"
        }
    }

    private struct Entry {
        var token: String
        var expiresAt: Double
        var lifetime: Double
    }

    private struct State {
        var tokens: [Key: Entry] = [:]
        /// Refresh tokens outlive access tokens and are not scoped: one per realm and service.
        var refreshTokens: [String: String] = [:]
    }

    /// Seconds before expiry from which a token is no longer handed out (at most half its
    /// lifetime, so a 60-second token is still used for 50 seconds with the default).
    public let safetyMargin: Double
    private let clock: @Sendable () -> Double
    private let state = Locked(State())

    /// - Parameters:
    ///   - safetyMargin: seconds of life a token must still have to be handed out.
    ///   - clock: seconds since the epoch; tests pass their own.
    public init(safetyMargin: Double = 10, clock: @escaping @Sendable () -> Double = WallClock.now) {
        self.safetyMargin = safetyMargin
        self.clock = clock
    }

    /// The cached token for `key`, if it has more than the safety margin left; an expired
    /// one is dropped.
    public func token(for key: Key) -> String? {
        let now = clock()
        return state.withLock { state in
            guard let entry = state.tokens[key] else { return nil }
            guard now + min(safetyMargin, entry.lifetime / 2) < entry.expiresAt else {
                state.tokens[key] = nil
                return nil
            }
            return entry.token
        }
    }

    /// Keeps `response`'s token for `key`; `receivedAt` defaults to now. A refresh token in
    /// the response replaces the one kept for the realm and service.
    public func store(_ response: BearerTokenResponse, for key: Key, receivedAt: Double? = nil) {
        let received = receivedAt ?? clock()
        let expiresAt = response.expiry(receivedAt: received)
        state.withLock { state in
            state.tokens[key] = Entry(token: response.token, expiresAt: expiresAt, lifetime: Double(response.expiresIn))
            if let refresh = response.refreshToken {
                state.refreshTokens[Self.refreshKey(key.realm, key.service)] = refresh
            }
        }
    }

    /// Forgets the token for `key` (the registry refused it).
    public func invalidate(_ key: Key) {
        state.withLock { $0.tokens[key] = nil }
    }

    /// The latest refresh token a server at `realm` gave for `service`, if any.
    public func refreshToken(realm: String, service: String?) -> String? {
        state.withLock { $0.refreshTokens[Self.refreshKey(realm, service)] }
    }

    private static func refreshKey(_ realm: String, _ service: String?) -> String {
        "\(realm)\u{0}\(service ?? "")"
    }
}
