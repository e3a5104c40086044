/// A response's status line and header fields, given to the caller before any body byte so
/// that it can refuse the body (a wrong status, a Content-Length larger than the descriptor).
package struct HTTPResponseHead: Sendable {
    /// The status code (200, 206, 307, 401…). A 3xx is returned as is: the client never
    /// follows redirects itself.
    package let status: Int
    package let headers: HTTPHeaders
    /// The URL this response answers, as curl requested it (never a redirect's target).
    package let effectiveURL: String
    package let version: HTTPVersion

    package init(status: Int, headers: HTTPHeaders, effectiveURL: String, version: HTTPVersion) {
        self.status = status
        self.headers = headers
        self.effectiveURL = effectiveURL
        self.version = version
    }

    /// The `Location` field of a redirect (or a 201), as sent: possibly relative.
    package var location: String? { headers["Location"] }

    /// The `Content-Length` field when it is one well-formed decimal number, else nil.
    package var contentLength: UInt64? {
        guard let text = headers["Content-Length"], !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return UInt64(text)
    }
}
