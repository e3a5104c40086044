// https://github.com/distribution/reference/blob/main/reference.go (the grammar, in its comment)

/// The pieces of the Docker reference grammar, checked on UTF-8 bytes so that no Unicode
/// normalisation or case folding can let a lookalike through.
///
/// ```
/// domain-name-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
/// host                  := domain-name-component ("." domain-name-component)* | "[" [a-fA-F0-9:]+ "]"
/// domain                := host (":" [0-9]+)?
/// path-component        := /[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*/
/// tag                   := /[\w][\w.-]{0,127}/
/// ```
enum ReferenceGrammar {
    /// The longest repository name the grammar allows: domain and path once normalised
    /// (`docker.io/library/…`), as Docker counts it.
    static let maxNameLength = 255
    /// The longest tag.
    static let maxTagLength = 128

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isWordCharacter(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == UInt8(ascii: "_")
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`: alphanumeric runs joined by one `.`, one
    /// `_`, two `_` or any number of `-`.
    static func isPathComponent(_ text: Substring.UTF8View) -> Bool {
        let bytes = Array(text)
        guard let first = bytes.first, isLowerAlnum(first), let last = bytes.last, isLowerAlnum(last) else {
            return false
        }
        var index = 0
        while index < bytes.count {
            if isLowerAlnum(bytes[index]) { index += 1; continue }
            // A separator run, which must be followed by an alphanumeric (the last byte is one).
            let start = index
            while index < bytes.count, !isLowerAlnum(bytes[index]) { index += 1 }
            let separator = bytes[start..<index]
            let valid = separator.elementsEqual([UInt8(ascii: ".")]) || separator.elementsEqual([UInt8(ascii: "_")])
                || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")])
                || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            guard valid else { return false }
        }
        return true
    }

    /// `domain-name-component ("." domain-name-component)* | "[" IPv6 "]"`, then an optional
    /// `:port`.
    static func isDomain(_ text: Substring) -> Bool {
        var host = text[...]
        if let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")),
           !text.hasPrefix("[") || text[..<colon].hasSuffix("]") {
            let port = text.utf8[text.utf8.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(isDigit) else { return false }
            host = text[..<colon]
        }
        if host.hasPrefix("[") {
            let inner = host.utf8.dropFirst().dropLast()
            return host.hasSuffix("]") && !inner.isEmpty
                && inner.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") }
        }
        let components = host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return components.allSatisfy { component in
            guard let first = component.first, let last = component.last else { return false }
            return isAlnum(first) && isAlnum(last)
                && component.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `[\w][\w.-]{0,127}`.
    static func isTag(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, isWordCharacter(first), bytes.count <= maxTagLength else { return false }
        return bytes.allSatisfy { isWordCharacter($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// 64 lowercase hex characters: what docker refuses as a repository name, since it reads
    /// as an image ID.
    static func isIdentifier(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
