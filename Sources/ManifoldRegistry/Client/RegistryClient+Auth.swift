import Manifold

extension RegistryClient {
    /// The `Authorization` value for a request about `repository`, from the challenge the
    /// registry gave (nil while it has given none, or when there is no credential for Basic).
    func authorization(for repository: RepositoryReference?, scopes: [Scope]? = nil, usesTLS: Bool) throws -> String? {
        guard let challenge = state.withLock({ $0.challenge }) else { return nil }
        if challenge.isBasic {
            guard let credential = try credential(for: repository) else { return nil }
            return TokenRequest.basicAuthorization(username: credential.username, password: credential.password)
        }
        guard challenge.isBearer, let request = try tokenRequest(for: repository, scopes: scopes, challenge: challenge, usesTLS: usesTLS) else {
            return nil
        }
        if let token = tokens.token(for: request.cacheKey) { return "Bearer \(token)" }
        return "Bearer \(try fetchToken(request, repository: repository))"
    }

    /// The token request for `scopes`, by default `repository`'s pull scope (none for the
    /// registry itself).
    func tokenRequest(for repository: RepositoryReference?, scopes: [Scope]? = nil, challenge: AuthenticationChallenge,
                      usesTLS: Bool? = nil) throws -> TokenRequest? {
        let tls = try usesTLS ?? baseURL().hasPrefix("https://")
        return try TokenRequest(challenge: challenge, scopes: scopes ?? repository.map { [Scope.pull($0)] } ?? [], registryUsesTLS: tls)
    }

    /// Asks the token server for a token and caches it: with the identity token (OAuth2
    /// refresh grant, POST) when the credential is one, else GET with Basic credentials when
    /// there are any, else anonymously.
    func fetchToken(_ request: TokenRequest, repository: RepositoryReference?) throws -> String {
        let credential = try credential(for: repository)
        var http = HTTPRequest(method: .get, url: request.url(account: credential?.username), deadline: .seconds(60))
        if let identity = credential?.identityToken {
            http = HTTPRequest(method: .post, url: request.realm, body: Array(request.refreshForm(refreshToken: identity).utf8),
                               deadline: .seconds(60))
            http.headers.add("Content-Type", "application/x-www-form-urlencoded")
        } else if let credential {
            http.headers.add("Authorization", TokenRequest.basicAuthorization(username: credential.username, password: credential.password))
        }
        let realm = (try? URLParts(request.realm).redacted) ?? request.realm
        var attempt = 0
        let started = WallClock.now()
        while true {
            attempt += 1
            let response: HTTPResponse
            do {
                let bounded = try self.bounded(http)
                response = try explainingDeadline { try self.http.fetch(bounded, bodyLimit: Self.errorBodyLimit) }
            } catch let error as ManifoldError {
                guard let transport = error.cause as? HTTPTransportFailure, transport.mayHelpToRetry else {
                    throw error.prefixed("token server \(realm)")
                }
                do {
                    try waitBeforeRetry(after: attempt, retryAfter: nil, started: started, failing: error)
                } catch let final as ManifoldError {
                    throw final.prefixed("token server \(realm)")
                }
                continue
            }
            var retryNote = ""
            if RetryPolicy.isRetryable(status: response.head.status) {
                switch retry.decision(afterAttempt: attempt, retryAfter: response.head.headers["Retry-After"], elapsed: WallClock.now() - started) {
                case .wait(let delay):
                    sleepBeforeRetry(delay)
                    continue
                case .giveUp(let reason):
                    if retry.maxAttempts > 1 { retryNote = " (\(reason))" }
                }
            }
            guard response.head.status == 200 else {
                let detail = Self.errorDetail(response.body)
                if response.head.status == 401 || response.head.status == 403 {
                    throw ManifoldError(
                        .unreadable,
                        "token server \(realm) refused \(credential.map { "the credentials (\($0))" } ?? "an anonymous token") with \(response.head.status)\(detail); check --creds or `manifold login \(host)`")
                }
                throw ManifoldError(.unreadable, "token server \(realm) answered \(response.head.status)\(detail)\(retryNote)")
            }
            let token = try BearerTokenResponse(decoding: response.body, realm: realm)
            tokens.store(token, for: request.cacheKey)
            return token.token
        }
    }

    /// The credential for `repository` (or the registry), looked up once and remembered.
    func credential(for repository: RepositoryReference?) throws -> RegistryCredential? {
        let key = repository?.path ?? ""
        if let known = state.withLock({ $0.credentials[key] }) { return known }
        let lookup = repository ?? RepositoryReference(uncheckedDomain: host == RepositoryReference.dockerHubRegistryHost ? RepositoryReference.dockerHubDomain : host, path: "library/x")
        let found = try credentials.credential(for: lookup)
        state.withLock { $0.credentials[key] = .some(found) }
        return found
    }

    /// The preferred challenge of a 401, its `scope` dropped (scopes are the client's to ask).
    func challenge(of answer: Answer, request: Request) throws -> AuthenticationChallenge {
        let headers = answer.head.headers.values("WWW-Authenticate")
        let parsed: WWWAuthenticate
        do {
            parsed = try WWWAuthenticate(parsing: headers)
        } catch let error as ManifoldError {
            throw error.prefixed("\(host) answered 401 with a WWW-Authenticate header that cannot be read")
        }
        guard let preferred = parsed.preferred else {
            throw ManifoldError(
                .unreadable,
                "\(host) answered 401 to \(request.method) \(request.target) without a Basic or Bearer challenge\(Self.errorDetail(answer.errorBody))")
        }
        var parameters = preferred.parameters
        parameters["scope"] = nil
        return AuthenticationChallenge(scheme: preferred.scheme, parameters: parameters)
    }

    /// The error for a 401 that another attempt will not cure. It names the scope a token was
    /// asked for (`repository:team/app:pull`), which is what the registry refused: a
    /// credential may be good for one scope and not another. `sentToken`: a Bearer token was
    /// sent and refused, and a fresh one after it (the loop ends here, and says so).
    func refusal(_ answer: Answer, request: Request, credential: RegistryCredential?, sentToken: Bool = false) throws -> ManifoldError {
        let what = request.repository.map { "\($0.path)" } ?? host
        let scopes = request.scopes.map(\.description).joined(separator: " ")
        let challenge = state.withLock { $0.challenge }
        var scopeNote = ""
        if sentToken {
            scopeNote = ": the token for scope \(scopes.isEmpty ? "(none)" : scopes) was refused, and a fresh one after it"
        } else if challenge?.isBearer == true, !scopes.isEmpty {
            scopeNote = " (scope \(scopes))"
        }
        guard let credential else {
            return ManifoldError(
                .unreadable,
                "\(host) requires authentication for \(what) and no credentials were found\(scopeNote) (give --creds USER:PASS or --authfile, or run `manifold login \(host)`)\(Self.errorDetail(answer.errorBody))")
        }
        return ManifoldError(
            .unreadable,
            "\(host) refused the credentials (\(credential)) for \(what)\(scopeNote)\(Self.errorDetail(answer.errorBody))")
    }

    /// The error for an answer that is neither success nor absence.
    func failure(_ answer: Answer, _ what: String) -> ManifoldError {
        ManifoldError(.unreadable, "\(what) on \(host): the registry answered \(answer.status)\(Self.errorDetail(answer.errorBody))\(answer.retryNote.map { " (\($0))" } ?? "")")
    }

    /// `: CODE: message` from a registry's error body (`{"errors":[{"code","message"}]}`),
    /// or its first line of text; empty when there is nothing readable.
    static func errorDetail(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        if case .object(let object)? = try? JSONParser.parse(body), case .array(let errors)? = object["errors"] {
            let texts = errors.compactMap { error -> String? in
                guard case .object(let fields) = error else { return nil }
                var parts: [String] = []
                if case .string(let code)? = fields["code"] { parts.append(code) }
                if case .string(let message)? = fields["message"] { parts.append(message) }
                return parts.isEmpty ? nil : parts.joined(separator: ": ")
            }
            if !texts.isEmpty { return ": " + texts.joined(separator: "; ") }
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let printable = line.filter { $0.isASCII && ($0 == " " || !$0.isWhitespace) && $0.asciiValue.map { $0 >= 0x20 && $0 < 0x7F } == true }
        return printable.isEmpty ? "" : ": \(printable)"
    }
}
