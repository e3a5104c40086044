// https://www.rfc-editor.org/rfc/rfc3986#section-5.2 (relative references, as redirects and Link use them)

import Manifold

/// An absolute http(s) URL split into what the registry client decides on: the scheme and
/// authority (is this still the registry? is it still TLS?) and the rest, kept as written.
package struct URLParts: Hashable, Sendable {
    /// `http` or `https`, lower case.
    package let scheme: String
    /// `host[:port]`, lower case, without any user information.
    package let authority: String
    /// The path and query, from the first `/` (at least `/`); no fragment.
    package let pathAndQuery: String

    /// Parses an absolute `http://` or `https://` URL.
    package init(_ text: String) throws {
        guard let separator = text.firstRange(of: "://") else {
            throw ManifoldError(.invalidArgument, "\(quoted(text)) is not an absolute URL")
        }
        scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ManifoldError(.invalidArgument, "\(quoted(text)) is not an http or https URL")
        }
        var rest = text[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { throw ManifoldError(.invalidArgument, "\(quoted(text)) names no host") }
        self.authority = authority.lowercased()
        let tail = String(rest[end...])
        pathAndQuery = tail.isEmpty ? "/" : (tail.hasPrefix("?") ? "/" + tail : tail)
    }

    /// The URL again, without user information or fragment.
    package var url: String { "\(scheme)://\(authority)\(pathAndQuery)" }

    /// The URL without its query, which may carry a signature or a token: for messages.
    package var redacted: String {
        "\(scheme)://\(authority)\(pathAndQuery.prefix { $0 != "?" })"
    }

    /// `reference` (a `Location` or a `Link` target) resolved against this URL.
    package func resolving(_ reference: String) throws -> URLParts {
        let reference = reference.trimmingSpaces
        if reference.contains("://") { return try URLParts(reference) }
        if reference.hasPrefix("//") { return try URLParts("\(scheme):\(reference)") }
        if reference.hasPrefix("/") { return try URLParts("\(scheme)://\(authority)\(reference)") }
        if reference.hasPrefix("?") {
            return try URLParts("\(scheme)://\(authority)\(pathAndQuery.prefix { $0 != "?" })\(reference)")
        }
        let path = pathAndQuery.prefix { $0 != "?" }
        let directory = path[...(path.lastIndex(of: "/") ?? path.startIndex)]
        return try URLParts("\(scheme)://\(authority)\(directory)\(reference)")
    }
}
