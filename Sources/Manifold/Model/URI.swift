// https://www.rfc-editor.org/rfc/rfc3986#section-3
// https://github.com/opencontainers/image-spec/blob/main/schema/defs-descriptor.json ("format": "uri")

/// The grammar of a URI (RFC 3986 §3): what a descriptor's `urls` must hold.
///
/// A URI here is absolute — it has a scheme — as the schema's `"format": "uri"` requires; a
/// relative reference such as `value` or `/path` is not one. Characters outside RFC 3986's
/// set (spaces, non-ASCII, `<`, `\`) must be percent-encoded. The check is syntactic only:
/// manifold never fetches a URL (foreign layers are reported, not downloaded).
enum URI {
    /// Whether `text` is a URI: `scheme ":" hier-part ["?" query] ["#" fragment]`.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard let first = bytes.first, isAlpha(first) else { return false }
        var index = 1
        while index < bytes.count, isAlpha(bytes[index]) || isDigit(bytes[index]) || "+-.".utf8.contains(bytes[index]) {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
        var rest = bytes[(index + 1)...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isQueryOrFragment(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isQueryOrFragment(rest[(question + 1)...]) else { return false }
            rest = rest[..<question]
        }
        // hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
        if rest.starts(with: "//".utf8) {
            let afterSlashes = rest.dropFirst(2)
            let pathStart = afterSlashes.firstIndex(of: UInt8(ascii: "/")) ?? afterSlashes.endIndex
            return isAuthority(afterSlashes[..<pathStart]) && isPath(afterSlashes[pathStart...])
        }
        return isPath(rest)
    }

    /// Throws a document error naming `field` for the first entry of `urls` that is not a URI.
    static func checkURLs(_ urls: [String]?, field: String) throws {
        for (index, url) in (urls ?? []).enumerated() where !isValid(url) {
            throw ManifoldError(.invalidDocument, "\(field)[\(index)]: \(quoted(url)) is not a URI (RFC 3986: scheme:[//authority]path[?query][#fragment])")
        }
    }

    // MARK: parts

    /// authority = [ userinfo "@" ] host [ ":" port ]
    private static func isAuthority(_ authority: ArraySlice<UInt8>) -> Bool {
        var hostAndPort = authority
        if let at = authority.firstIndex(of: UInt8(ascii: "@")) {
            let userinfo = authority[..<at]
            guard allValid(userinfo, { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }) else { return false }
            hostAndPort = authority[(at + 1)...]
        }
        let port: ArraySlice<UInt8>
        if hostAndPort.first == UInt8(ascii: "[") {
            // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
            guard let close = hostAndPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            guard isIPLiteral(hostAndPort[(hostAndPort.startIndex + 1)..<close]) else { return false }
            let after = hostAndPort[(close + 1)...]
            guard after.isEmpty || after.first == UInt8(ascii: ":") else { return false }
            port = after.dropFirst()
        } else {
            // reg-name (or IPv4address, a special case of it) admits no ":", so the first one starts the port.
            let colon = hostAndPort.firstIndex(of: UInt8(ascii: ":")) ?? hostAndPort.endIndex
            guard allValid(hostAndPort[..<colon], { isUnreserved($0) || isSubDelimiter($0) }) else { return false }
            port = hostAndPort[colon...].dropFirst()
        }
        return port.allSatisfy(isDigit)
    }

    /// The inside of `[…]`: an IPv6 address (hex digits, `:` and a dotted IPv4 tail) or
    /// `v` HEXDIG+ "." followed by unreserved, sub-delims or `:`.
    private static func isIPLiteral(_ literal: ArraySlice<UInt8>) -> Bool {
        if literal.first == UInt8(ascii: "v") || literal.first == UInt8(ascii: "V") {
            guard let dot = literal.firstIndex(of: UInt8(ascii: ".")) else { return false }
            let version = literal[(literal.startIndex + 1)..<dot]
            let rest = literal[(dot + 1)...]
            return !version.isEmpty && version.allSatisfy(isHexDigit) && !rest.isEmpty
                && rest.allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == UInt8(ascii: ":") }
        }
        return literal.contains(UInt8(ascii: ":"))
            && literal.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
    }

    /// A path: segments of `pchar` separated by `/`.
    private static func isPath(_ path: ArraySlice<UInt8>) -> Bool {
        allValid(path) { isPathCharacter($0) || $0 == UInt8(ascii: "/") }
    }

    /// query = fragment = *( pchar / "/" / "?" )
    private static func isQueryOrFragment(_ part: ArraySlice<UInt8>) -> Bool {
        allValid(part) { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
    }

    /// Every byte is allowed by `allowed`, or starts a `%` HEXDIG HEXDIG escape.
    private static func allValid(_ part: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex, isHexDigit(part[index + 1]), isHexDigit(part[index + 2]) else { return false }
                index += 3
            } else {
                guard allowed(byte) else { return false }
                index += 1
            }
        }
        return true
    }

    // MARK: character classes

    /// pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (the escape is handled by `allValid`)
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || "-._~".utf8.contains(byte)
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(byte) }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
