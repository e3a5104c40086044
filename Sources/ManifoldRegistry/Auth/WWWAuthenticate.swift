// https://www.rfc-editor.org/rfc/rfc7235#section-4.1 (WWW-Authenticate = 1#challenge)
// https://www.rfc-editor.org/rfc/rfc7230#section-3.2.6 (token, quoted-string, quoted-pair)

import Manifold

/// The challenges of a 401 response's `WWW-Authenticate` headers.
///
/// One header may carry several challenges and a response may carry several headers
/// (RFC 7235 §4.1); all are parsed, in order. The grammar is RFC 7235's:
/// `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`,
/// `auth-param = token BWS "=" BWS ( token / quoted-string )`, with quoted-pair escapes.
/// A header that breaks it is an error naming where, never a guess.
public struct WWWAuthenticate: Hashable, Sendable {
    /// Every challenge, in the order the headers gave them.
    public let challenges: [AuthenticationChallenge]

    /// Parses the values of every `WWW-Authenticate` header of one response.
    public init(parsing headers: [String]) throws {
        var challenges: [AuthenticationChallenge] = []
        for header in headers {
            var parser = Parser(Array(header.utf8), header: header)
            challenges += try parser.challenges()
        }
        self.challenges = challenges
    }

    /// Parses one header value.
    public init(parsing header: String) throws {
        try self.init(parsing: [header])
    }

    /// The first challenge of `scheme` (case-insensitive), if any.
    public func challenge(_ scheme: String) -> AuthenticationChallenge? {
        challenges.first { $0.scheme == scheme.lowercased() }
    }

    /// The first Bearer challenge, else the first Basic one: the scheme a registry client uses.
    public var preferred: AuthenticationChallenge? {
        challenge("bearer") ?? challenge("basic")
    }

    private struct Parser {
        let bytes: [UInt8]
        let header: String
        var position = 0

        init(_ bytes: [UInt8], header: String) {
            self.bytes = bytes
            self.header = header
        }

        private static func isTokenCharacter(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }

        private static func isToken68Character(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return Array("-._~+/".utf8).contains(byte)
            }
        }

        private func error(_ message: String) -> ManifoldError {
            ManifoldError(.invalidArgument, "invalid WWW-Authenticate header \(quoted(header)) at byte \(position): \(message)")
        }

        private var atEnd: Bool { position >= bytes.count }
        private var current: UInt8? { atEnd ? nil : bytes[position] }

        private mutating func skipWhitespace() {
            while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
        }

        /// Skips whitespace and empty list elements (`#rule` allows `, ,`); true if a comma was seen.
        private mutating func skipListSeparators() -> Bool {
            var sawComma = false
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: ",") else { return sawComma }
                sawComma = true
                position += 1
            }
        }

        private mutating func token() -> String? {
            let start = position
            while let byte = current, Self.isTokenCharacter(byte) { position += 1 }
            return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
        }

        private mutating func quotedString() throws -> String {
            position += 1  // the opening quote
            var value: [UInt8] = []
            while let byte = current {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { throw error("a backslash ends the header") }
                    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ): an escape does not
                    // let a control character into a value.
                    if escaped < 0x20 && escaped != UInt8(ascii: "\t") || escaped == 0x7F {
                        throw error("a control character in a quoted string")
                    }
                    value.append(escaped)
                    position += 1
                case 0x00..<0x20 where byte != UInt8(ascii: "\t"), 0x7F:
                    throw error("a control character in a quoted string")
                default:
                    value.append(byte)
                }
            }
            throw error("a quoted string is not closed")
        }

        mutating func challenges() throws -> [AuthenticationChallenge] {
            var result: [AuthenticationChallenge] = []
            _ = skipListSeparators()
            while !atEnd {
                guard let scheme = token() else { throw error("expected an authentication scheme") }
                result.append(try challenge(scheme: scheme))
                _ = skipListSeparators()
            }
            guard !result.isEmpty else { throw error("no challenge") }
            return result
        }

        /// The rest of one challenge after its scheme; stops before the next challenge's scheme.
        private mutating func challenge(scheme: String) throws -> AuthenticationChallenge {
            let afterScheme = position
            skipWhitespace()
            guard position > afterScheme || atEnd || current == UInt8(ascii: ",") else {
                throw error("expected a space after the scheme \(quoted(scheme))")
            }
            if atEnd || current == UInt8(ascii: ",") {
                return AuthenticationChallenge(scheme: scheme)
            }
            if let token68 = tryToken68() {
                return AuthenticationChallenge(scheme: scheme, token68: token68)
            }
            var parameters: [String: String] = [:]
            while true {
                let start = position
                guard let name = token() else { throw error("expected a parameter name") }
                skipWhitespace()
                guard current == UInt8(ascii: "=") else {
                    // A token not followed by "=" is the next challenge's scheme.
                    guard !parameters.isEmpty else { throw error("expected '=' after \(quoted(name))") }
                    position = start
                    return AuthenticationChallenge(scheme: scheme, parameters: parameters)
                }
                position += 1
                skipWhitespace()
                let value: String
                if current == UInt8(ascii: "\"") {
                    value = try quotedString()
                } else if let plain = token() {
                    value = plain
                } else {
                    throw error("expected a token or a quoted string as the value of \(quoted(name))")
                }
                guard parameters.updateValue(value, forKey: name.lowercased()) == nil else {
                    throw error("parameter \(quoted(name)) given twice")
                }
                let sawComma = skipListSeparators()
                if atEnd { break }
                guard sawComma else { throw error("expected ',' between parameters") }
            }
            return AuthenticationChallenge(scheme: scheme, parameters: parameters)
        }

        /// A token68 (`1*tchar68 *"="`) that makes up the whole challenge, or nil (position kept).
        private mutating func tryToken68() -> String? {
            let start = position
            while let byte = current, Self.isToken68Character(byte) { position += 1 }
            guard position > start else { return nil }
            while current == UInt8(ascii: "=") { position += 1 }
            let end = position
            skipWhitespace()
            // It is a token68 only if the challenge ends here; `realm=x` has a value after '='.
            if atEnd || current == UInt8(ascii: ",") {
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            position = start
            return nil
        }
    }
}
