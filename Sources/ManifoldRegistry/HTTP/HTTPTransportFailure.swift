/// Why a transfer failed below HTTP: the cause inside the ``ManifoldError`` the client
/// throws. The registry layer reads ``kind`` (or ``mayHelpToRetry``) to decide whether to
/// retry or resume; curl's own code and words are kept for the message and for diagnosis.
package struct HTTPTransportFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in the terms a retry policy needs.
    package enum Kind: Hashable, Sendable {
        /// The host (or the proxy's) name did not resolve.
        case resolve
        /// No connection: refused, unreachable.
        case connect
        /// The connect timeout, the low-speed watchdog or the request's deadline fired.
        case timeout
        /// The TLS handshake failed: an untrusted or mismatched certificate, a client
        /// certificate refused or unreadable.
        case tls
        /// The connection broke after it was made: reset, closed early, a body shorter than
        /// its Content-Length, an HTTP/2 stream error.
        case connectionLost
        /// The server's answer is not HTTP the client can read.
        case protocolViolation
        /// The URL is malformed or its scheme is not http(s).
        case invalidURL
        /// Anything else curl reports (out of memory, a local file problem).
        case other
    }

    package let kind: Kind
    /// curl's `CURLcode`.
    package let curlCode: Int
    /// curl's detailed error text (its error buffer), else its short text for the code.
    package let curlMessage: String

    package init(kind: Kind, curlCode: Int, curlMessage: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.curlMessage = curlMessage
    }

    /// True for failures that another attempt may not meet: no connection, a timeout, a
    /// dropped connection. A TLS or URL failure will fail the same way again.
    package var mayHelpToRetry: Bool {
        switch kind {
        case .connect, .timeout, .connectionLost: true
        case .resolve, .tls, .protocolViolation, .invalidURL, .other: false
        }
    }

    package var description: String { "\(curlMessage) (curl error \(curlCode))" }
}
