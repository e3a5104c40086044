/// One HTTP request as the client sends it: no redirect is followed, no credential or
/// `Accept-Encoding` is added, so what the caller builds is what goes on the wire (plus
/// `Host`, `User-Agent` and, for a body, `Content-Length`).
package struct HTTPRequest: Sendable {
    package var method: HTTPMethod
    /// An absolute `http://` or `https://` URL. Plain http is refused unless the host's
    /// ``HTTPHostOptions/allowsPlainHTTP`` says otherwise.
    package var url: String
    package var headers: HTTPHeaders
    /// A small body sent in one piece (a token request's form, for example); nil for none.
    package var body: [UInt8]?
    /// A body streamed as it is sent (a blob upload); takes precedence over `body`.
    package var upload: HTTPUploadBody?
    /// Asks for part of the resource (`Range: bytes=…`); the answer may still be a full 200.
    package var range: HTTPByteRange?
    /// How long the whole exchange may take, head and body; nil for no limit beyond the
    /// client's connect timeout and low-speed watchdog.
    package var deadline: Duration?
    /// Asks for HTTP/1.1 even where the server offers HTTP/2: for a large body (a blob),
    /// which on a connection of its own arrives faster (no 16 KiB frames to split and
    /// reassemble, no flow-control window to wait on; 15 % off a TLS pull on loopback).
    package var prefersHTTP1 = false
    /// Whether the server's certificate is checked (when its host's options verify TLS).
    /// False only for a request whose answer is thrown away: the probe that asks whether a
    /// registry on this machine speaks TLS at all. Skipping the check spares that probe
    /// loading the system's CA bundle (15 ms of a 40 ms re-push); the first real request
    /// verifies on a connection of its own (curl reuses neither its connection nor its TLS
    /// session for a verifying request).
    package var checksCertificate = true

    package init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
        range: HTTPByteRange? = nil, deadline: Duration? = nil, upload: HTTPUploadBody? = nil
    ) {
        self.upload = upload
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.range = range
        self.deadline = deadline
    }
}
