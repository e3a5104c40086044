internal import CCurl
import ManifoldBlob

/// A small blocking HTTP client on libcurl for the registry protocol.
///
/// Each call runs one transfer on the calling thread and returns when it is over: the
/// response head goes to the caller before any body byte, then the body, chunk by chunk as
/// it arrives, straight to the caller's closure (no copy, no buffering beyond curl's
/// receive buffer). It never follows a redirect, adds no credentials and asks for no
/// content encoding, so the bytes are exactly the server's. TLS is verified against the
/// system CA store unless the host's ``HTTPHostOptions`` say otherwise; HTTP/2 is used over
/// TLS when the server offers it; proxies come from the environment (`HTTPS_PROXY`,
/// `NO_PROXY`…, read by curl for each transfer).
///
/// Thread safety: one client may be used from any number of threads at once. Each transfer
/// takes an easy handle of its own from a pool (created on demand, kept for reuse with its
/// open connections); the handles share the DNS and TLS-session caches under locks.
package final class HTTPClient: Sendable {
    package let configuration: HTTPClientConfiguration
    private let pool: CurlHandlePool

    package init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws {
        self.configuration = configuration
        pool = try CurlHandlePool()
    }

    /// Sends `request` and streams the answer: `head` receives the final response head (1xx
    /// heads are skipped) and says whether to read the body; `body` then receives it in
    /// chunks of at most ``HTTPClientConfiguration/receiveBufferSize`` bytes, on this thread.
    /// Returns the head.
    ///
    /// An error thrown by `head` or `body` aborts the transfer and is rethrown as it is. A set
    /// `cancellation` aborts it too (polled for each chunk and several times a second while
    /// nothing arrives) with `CancellationError`. A failure below HTTP throws a
    /// ``ManifoldError`` naming the method and URL (without credentials or query) whose cause
    /// is an ``HTTPTransportFailure``; a body shorter than its Content-Length is such a
    /// failure (``HTTPTransportFailure/Kind/connectionLost``), after the bytes that came.
    @discardableResult
    package func perform(
        _ request: HTTPRequest, cancellation: CancellationFlag? = nil,
        head: (HTTPResponseHead) throws -> HTTPBodyDecision,
        body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        let url = try CurlURL(request.url)
        let options = configuration.options(host: url.host, port: url.port)
        let name = "\(request.method) \(url.redacted)"
        guard url.scheme == "https" || options.allowsPlainHTTP else {
            throw ManifoldError(
                .invalidArgument, "\(name): plain http is not allowed for \(url.host) (TLS verification would have to be off)")
        }
        if cancellation?.isCancelled == true { throw CancellationError() }
        return try withoutActuallyEscaping(head) { head in
            try withoutActuallyEscaping(body) { body in
                try pool.withHandle { easy in
                    let transfer = CurlTransfer(easy: easy, cancellation: cancellation, onHead: head, onBody: body, upload: request.upload)
                    var fields: UnsafeMutablePointer<curl_slist>?
                    defer { curl_slist_free_all(fields) }
                    try configure(easy, for: request, options: options, transfer: transfer, fields: &fields)
                    // The callbacks hold the transfer unretained: keep it alive through the perform.
                    let code = withExtendedLifetime(transfer) { curl_easy_perform(easy) }
                    if code == CURLE_OK, let head = transfer.head { return head }
                    if let thrown = transfer.thrown { throw thrown }
                    if transfer.cancelled { throw CancellationError() }
                    if transfer.discarded, let head = transfer.head { return head }
                    guard code != CURLE_OK else {
                        throw ManifoldError(.unreadable, "\(name): the server closed the connection without a response")
                    }
                    let failure = HTTPTransportFailure(curlCode: code, detail: String(cString: transfer.errorBuffer))
                    throw ManifoldError(
                        failure.kind == .invalidURL ? .invalidArgument : (code == CURLE_OUT_OF_MEMORY ? .internalFailure : .unreadable),
                        "\(name): \(failure.summary): \(failure)", cause: failure)
                }
            }
        }
    }

    /// Sends `request` and reads the whole body, which may be at most `bodyLimit` bytes
    /// (documents, tokens, error bodies). A Content-Length above the limit fails before any
    /// body byte is read, a body growing past it fails at once: ``ManifoldError/Code/limitExceeded``.
    package func fetch(_ request: HTTPRequest, bodyLimit: Int, cancellation: CancellationFlag? = nil) throws -> HTTPResponse {
        var body: [UInt8] = []
        let name = { "\(request.method) \((try? CurlURL(request.url))?.redacted ?? "?")" }
        let head = try perform(request, cancellation: cancellation) { head in
            // A HEAD answer's Content-Length is that of the body a GET would get.
            if request.method != .head, let length = head.contentLength {
                guard length <= UInt64(max(bodyLimit, 0)) else {
                    throw ManifoldError(
                        .limitExceeded, "\(name()): the response body is \(length) bytes, more than the \(bodyLimit) allowed")
                }
                body.reserveCapacity(Int(length))
            }
            return .receive
        } body: { chunk in
            guard chunk.count <= bodyLimit - body.count else {
                throw ManifoldError(.limitExceeded, "\(name()): the response body is more than the \(bodyLimit) bytes allowed")
            }
            body.append(contentsOf: chunk)
        }
        return HTTPResponse(head: head, body: body)
    }
}
