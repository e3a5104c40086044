// https://github.com/opencontainers/distribution-spec/blob/main/spec.md
// https://distribution.github.io/distribution/spec/auth/token/

import Manifold

/// The registry protocol for one registry host: the `/v2/` API with authentication, retries
/// and redirects, on a blocking ``HTTPClient``.
///
/// Authentication: requests go out anonymous until the registry answers 401; its challenge
/// is then kept for the host and every request carries `Basic` (the credential the
/// ``CredentialStore`` finds for the repository) or a `Bearer` token (asked for with the
/// repository's `pull` scope, cached in a ``TokenCache``). A 401 to a token refreshes it once;
/// a second 401 is an error naming the credential's source, never a loop.
///
/// Redirects (blob GETs are sent to storage) are followed here, at most ``maxRedirects``:
/// never from https to http, and `Authorization` goes to the registry's host only.
/// Connection errors, 408, 429 and 5xx are retried as ``RetryPolicy`` says. Nothing a server
/// says about content (`Docker-Content-Digest`, Content-Length) is taken as proof: callers
/// hash what arrives.
///
/// Thread safety: one client serves any number of threads (parallel blobs); its state
/// (scheme, challenge, credentials, tokens) is behind locks.
package final class RegistryClient: Sendable {
    /// `host[:port]` to connect to: `registry-1.docker.io` for Docker Hub.
    package let host: String
    package let http: HTTPClient
    package let credentials: CredentialStore
    package let tokens: TokenCache
    package let retry: RetryPolicy
    /// Whether plain http may be used when https does not answer (`--tls-verify=false`).
    package let allowsPlainHTTP: Bool
    /// Whether plain http may be used, with TLS verification on, when the https handshake
    /// breaks because the server speaks plain HTTP: docker's rule for a registry on this
    /// machine (``RepositoryReference/isLoopback(host:)``).
    package let plainHTTPWhenNotTLS: Bool
    /// The run's time limit (`--timeout`), shared by every transfer; nil for none.
    package let deadline: RegistryDeadline?
    /// The most redirects one request follows.
    package let maxRedirects = 5
    /// Blob transfers sent again or resumed, for `--json`.
    package let tally = TransferTally()
    /// The most bytes of an error answer (or a token response) kept.
    static let errorBodyLimit = 64 * 1024

    struct State {
        /// "https" or "http" once the first request found which answers.
        var scheme: String?
        /// The registry's challenge, from its first 401 (without a `scope`).
        var challenge: AuthenticationChallenge?
        /// Credentials looked up, per repository path ("" for the registry itself).
        var credentials: [String: RegistryCredential?] = [:]
    }
    let state = Locked(State())

    package init(
        host: String, http: HTTPClient, credentials: CredentialStore = CredentialStore(), tokens: TokenCache = TokenCache(),
        retry: RetryPolicy = RetryPolicy(), allowsPlainHTTP: Bool = false, plainHTTPWhenNotTLS: Bool = false,
        deadline: RegistryDeadline? = nil
    ) {
        self.plainHTTPWhenNotTLS = plainHTTPWhenNotTLS
        self.deadline = deadline
        self.host = host
        self.http = http
        self.credentials = credentials
        self.tokens = tokens
        self.retry = retry
        self.allowsPlainHTTP = allowsPlainHTTP
    }

    /// A request to the registry: a path under the host (`/v2/…`), or an absolute URL on it
    /// (a `Link` to the next page), for `repository` (whose `pull` scope a token needs).
    package struct Request: Sendable {
        package var target: String
        package var repository: RepositoryReference?
        package var accept: [String] = []
        package var range: HTTPByteRange?
        package var method: HTTPMethod = .get
        /// Whether the request writes to `repository` (a token then needs `push` too).
        package var pushes = false
        /// The repository a cross-repository mount takes the blob from (its `pull` scope too).
        package var mountsFrom: RepositoryReference?
        /// Header fields beyond Accept and Authorization (Content-Type, Content-Range…).
        package var headers = HTTPHeaders()
        /// A small body sent whole (a manifest, a chunk kept for resuming).
        package var body: [UInt8]?
        /// A body streamed as it is sent; the request is then never sent again once a byte of
        /// it went out (it cannot be read twice).
        package var upload: HTTPUploadBody?
        /// Whether a connection lost is answered by sending the request again; off for an
        /// upload's chunk, which the registry may have taken in part (the caller asks it how
        /// much, and sends the rest).
        package var retriesLostConnections = true
        /// A large body is expected (a blob): over HTTP/1.1 (``HTTPRequest/prefersHTTP1``).
        package var prefersHTTP1 = false
        /// The blob this request moves (a GET, an upload's PATCH or PUT): its retries are
        /// counted in ``RegistryClient/tally``.
        package var blob: Digest?

        package init(_ target: String, repository: RepositoryReference?, accept: [String] = [], range: HTTPByteRange? = nil,
                     method: HTTPMethod = .get) {
            self.target = target
            self.repository = repository
            self.accept = accept
            self.range = range
            self.method = method
        }

        /// The token scopes the request needs: `pull` (and `push` when it writes) on its
        /// repository, `pull` on a mount's source.
        package var scopes: [Scope] {
            guard let repository else { return [] }
            var scopes = [Scope.repository(repository, actions: pushes ? ["pull", "push"] : ["pull"])]
            if let mountsFrom { scopes.append(.pull(mountsFrom)) }
            return scopes
        }
    }

    /// What ``send(_:head:body:)`` returns: the final head and, for an answer that was not
    /// 2xx, the start of its body (for messages).
    package struct Answer: Sendable {
        package let head: HTTPResponseHead
        package let errorBody: [UInt8]
        /// Why a retryable answer (429, 5xx) was not tried again, for the error.
        package var retryNote: String?
        package var status: Int { head.status }
        package var isSuccess: Bool { (200...299).contains(head.status) }
    }

    /// `https://HOST` or `http://HOST`, found on first use: https, unless plain http is
    /// allowed and https does not answer; or, for a registry on this machine, unless the TLS
    /// handshake broke (curl error 35, not a certificate refused: that is 60) and
    /// `http://HOST/v2/` then answers in HTTP with anything but 400 (which is what a TLS
    /// server says to plain HTTP: the handshake broke for another reason, whose error stands).
    package func baseURL() throws -> String {
        if let scheme = state.withLock({ $0.scheme }) { return "\(scheme)://\(host)" }
        var scheme = "https"
        if allowsPlainHTTP || plainHTTPWhenNotTLS {
            do {
                var probe = try bounded(HTTPRequest(method: .get, url: "https://\(host)/v2/", deadline: .seconds(30)))
                // Only whether the host speaks TLS is asked, not whether it is trusted: a
                // certificate this probe does not check fails the first real request instead.
                probe.checksCertificate = false
                _ = try explainingDeadline { try http.fetch(probe, bodyLimit: Self.errorBodyLimit) }
            } catch let error as ManifoldError {
                guard let failure = error.cause as? HTTPTransportFailure else { throw error }
                if allowsPlainHTTP, [.tls, .protocolViolation, .connect, .connectionLost].contains(failure.kind) {
                    scheme = "http"
                } else if plainHTTPWhenNotTLS, failure.kind == .tls, failure.curlCode == Self.curlSSLConnectError,
                          let status = plainProbeStatus(), status != 400 {
                    scheme = "http"
                } else {
                    throw error
                }
            }
        }
        state.withLock { $0.scheme = scheme }
        return "\(scheme)://\(host)"
    }

    /// The status of `GET http://HOST/v2/`, or nil when it does not answer: tried as often as
    /// the retry policy allows while the connection is lost or reset, so one dropped
    /// connection does not decide the scheme (the TLS error would then stand for the host).
    private func plainProbeStatus() -> Int? {
        for attempt in 1...max(retry.maxAttempts, 1) {
            do {
                let probe = try bounded(HTTPRequest(method: .get, url: "http://\(host)/v2/", deadline: .seconds(30)))
                return try http.perform(probe, head: { _ in .discard }, body: { _ in }).status
            } catch let error as ManifoldError {
                guard let failure = error.cause as? HTTPTransportFailure, failure.mayHelpToRetry, attempt < retry.maxAttempts else { return nil }
                sleepBeforeRetry(retry.delay(afterAttempt: attempt, retryAfter: nil))
            } catch {
                return nil
            }
        }
        return nil
    }

    /// CURLE_SSL_CONNECT_ERROR: the handshake itself failed (a plain-HTTP answer to the
    /// client's hello among the causes), as opposed to a certificate refused.
    static let curlSSLConnectError = 35

    /// Checks that the host speaks the registry API (`GET /v2/`), authenticating if it asks
    /// to: the credentials `login` is given are tried so. Throws what went wrong.
    package func ping() throws {
        let answer = try send(Request("/v2/", repository: nil)) { _ in .discard } body: { _ in }
        guard answer.isSuccess else { throw failure(answer, "GET /v2/") }
    }

    /// Sends `request` with authentication, redirects and retries, and streams a 2xx body to
    /// `body` (after `head` accepted it). A non-2xx final answer is returned with the start of
    /// its body, for the caller to judge (404: absent). Transport failures are retried only
    /// while no body byte has reached `body`; after that they are thrown, for the caller to
    /// resume (blobs) or fail.
    package func send(
        _ request: Request, head: (HTTPResponseHead) throws -> HTTPBodyDecision, body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Answer {
        let base = try baseURL()
        let started = WallClock.now()
        var attempt = 0
        var refreshed = false
        var learned = false
        while true {
            attempt += 1
            let outcome: Outcome
            var delivered = false
            do {
                outcome = try sendFollowingRedirects(request, base: base, delivered: &delivered, head: head, body: body)
            } catch let error as ManifoldError {
                guard let transport = error.cause as? HTTPTransportFailure, transport.mayHelpToRetry, !delivered,
                      (request.upload?.bytesRead ?? 0) == 0, request.retriesLostConnections else { throw error }
                try waitBeforeRetry(after: attempt, retryAfter: nil, started: started, failing: error)
                if let blob = request.blob { tally.retried(blob) }
                continue
            }
            let answer = outcome.answer
            if (request.upload?.bytesRead ?? 0) > 0, answer.status == 401 || RetryPolicy.isRetryable(status: answer.status) {
                // The streamed body is gone: the caller starts the upload again, if it can.
                return answer
            }
            if answer.status == 401, outcome.onRegistry {
                let challenge = try challenge(of: answer, request: request)
                if outcome.sentAuthorization == nil {
                    // Anonymous was refused: learn the scheme, then go again with credentials
                    // (Bearer: a token, which a token server may grant anonymously).
                    state.withLock { $0.challenge = challenge }
                    if !learned, try challenge.isBearer || credential(for: request.repository) != nil {
                        learned = true
                        continue
                    }
                    throw try refusal(answer, request: request, credential: credential(for: request.repository))
                }
                if challenge.isBearer, !refreshed, outcome.sentAuthorization?.hasPrefix("Bearer ") == true {
                    // The token may have been revoked or expired early: one fresh one.
                    refreshed = true
                    if let key = try tokenRequest(for: request.repository, scopes: request.scopes, challenge: challenge)?.cacheKey {
                        tokens.invalidate(key)
                    }
                    state.withLock { $0.challenge = challenge }
                    continue
                }
                throw try refusal(answer, request: request, credential: credential(for: request.repository),
                                  sentToken: outcome.sentAuthorization?.hasPrefix("Bearer ") == true)
            }
            if RetryPolicy.isRetryable(status: answer.status) {
                switch retry.decision(afterAttempt: attempt, retryAfter: answer.head.headers["Retry-After"], elapsed: WallClock.now() - started) {
                case .wait(let delay):
                    if let blob = request.blob { tally.retried(blob) }
                    sleepBeforeRetry(delay)
                    continue
                case .giveUp(let reason):
                    var final = answer
                    if retry.maxAttempts > 1 { final.retryNote = reason }
                    return final
                }
            }
            return answer
        }
    }

    /// Sleeps before another attempt after a transport failure, or throws `error` (with the
    /// reason retrying stopped, when it could have retried at all).
    func waitBeforeRetry(after attempt: Int, retryAfter: String?, started: Double, failing error: ManifoldError) throws {
        switch retry.decision(afterAttempt: attempt, retryAfter: retryAfter, elapsed: WallClock.now() - started) {
        case .wait(let delay):
            sleepBeforeRetry(delay)
        case .giveUp(let reason):
            guard retry.maxAttempts > 1 else { throw error }
            throw ManifoldError(error.code, "\(error.message) (\(reason))", cause: error.cause, file: error.file, line: error.line)
        }
    }

    /// One attempt: the request and its redirects.
    private struct Outcome {
        var answer: Answer
        /// The Authorization sent to the registry's host, if any.
        var sentAuthorization: String?
        /// Whether the final answer came from the registry's host (not a redirect's).
        var onRegistry: Bool
    }

    /// `delivered` turns true once a body byte has reached `body`: from then on a failure
    /// is the caller's to resume, not this client's to retry.
    private func sendFollowingRedirects(
        _ request: Request, base: String, delivered: inout Bool, head: (HTTPResponseHead) throws -> HTTPBodyDecision,
        body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Outcome {
        var url = request.target.hasPrefix("/") ? base + request.target : request.target
        let registryURL = try URLParts(url)
        let authorization = try self.authorization(for: request.repository, scopes: request.scopes, usesTLS: registryURL.scheme == "https")
        var hops = 0
        while true {
            let parts = try URLParts(url)
            let onRegistry = parts.scheme == registryURL.scheme && parts.authority == registryURL.authority
            var headers = request.headers
            if !request.accept.isEmpty { headers.add("Accept", request.accept.joined(separator: ", ")) }
            if onRegistry, let authorization { headers.add("Authorization", authorization) }
            var errorBody: [UInt8] = []
            var passing = false
            var deliveredBytes = false
            defer { delivered = delivered || deliveredBytes }
            var exchange = HTTPRequest(method: request.method, url: url, headers: headers, body: request.body,
                                       range: request.range, upload: request.upload)
            exchange.prefersHTTP1 = request.prefersHTTP1
            let transfer = try bounded(exchange)
            var errorHead: HTTPResponseHead?
            let responseHead: HTTPResponseHead
            do {
                responseHead = try explainingDeadline { try http.perform(transfer) { answer in
                    if (200...299).contains(answer.status) {
                        passing = true
                        return try head(answer)
                    }
                    errorHead = answer
                    // Redirects and errors: keep a little of the body for the message.
                    return (300...399).contains(answer.status) ? .discard : .receive
                } body: { chunk in
                    if passing {
                        if !chunk.isEmpty { deliveredBytes = true }
                        try body(chunk)
                    } else {
                        errorBody += chunk.prefix(Self.errorBodyLimit - errorBody.count)
                        // An error body is read no further than the limit: a registry that
                        // sends gigabytes with its 404 must not hold the run until --timeout.
                        if errorBody.count >= Self.errorBodyLimit { throw ErrorBodyLimitReached() }
                    }
                } }
            } catch is ErrorBodyLimitReached {
                guard let errorHead else { throw ManifoldError(.internalFailure, "error body limit without a response head") }
                responseHead = errorHead
            }
            if (300...399).contains(responseHead.status), responseHead.status != 304, let location = responseHead.location {
                hops += 1
                guard hops <= maxRedirects else {
                    throw ManifoldError(.unreadable, "\(request.method) \(parts.redacted): more than \(maxRedirects) redirects")
                }
                let next = try parts.resolving(location)
                if parts.scheme == "https", next.scheme != "https" {
                    throw ManifoldError(
                        .unreadable, "\(request.method) \(parts.redacted): refusing a redirect from https to \(next.redacted)")
                }
                if request.upload != nil {
                    // A streamed body was read as it went: there is nothing left to send the
                    // new location. Said, so that the caller can read the blob again.
                    throw ManifoldError(
                        .unreadable, "\(request.method) \(parts.redacted): the registry redirected a streamed upload (\(responseHead.status)) to \(next.redacted); its body cannot be sent again from this request",
                        cause: StreamedBodyRedirected(location: next.url))
                }
                url = next.url
                continue
            }
            return Outcome(answer: Answer(head: responseHead, errorBody: errorBody, retryNote: nil),
                           sentAuthorization: onRegistry ? authorization : nil, onRegistry: onRegistry)
        }
    }
}
