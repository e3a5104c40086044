/// The HTTP version a response came in, read from its status line.
package enum HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    case http1_0, http1_1, http2, http3
    /// A version this client does not know by name, as written after `HTTP/`.
    case other(String)

    /// The version from the text after `HTTP/` in a status line (`1.1`, `2`, `2.0`).
    init(statusLineVersion text: String) {
        switch text {
        case "1.0": self = .http1_0
        case "1.1": self = .http1_1
        case "2", "2.0": self = .http2
        case "3", "3.0": self = .http3
        default: self = .other(text)
        }
    }

    package var description: String {
        switch self {
        case .http1_0: "HTTP/1.0"
        case .http1_1: "HTTP/1.1"
        case .http2: "HTTP/2"
        case .http3: "HTTP/3"
        case .other(let text): "HTTP/\(text)"
        }
    }
}
