// https://github.com/opencontainers/image-spec/blob/main/schema/defs-descriptor.json
// https://www.rfc-editor.org/rfc/rfc6838#section-4.2

extension MediaType {
    /// The longest type or subtype name RFC 6838 allows (`restricted-name`: 127 characters).
    static let maximumNameLength = 127

    /// Whether `text` is a media type by RFC 6838's `type "/" subtype` grammar, as the
    /// image-spec's schemas state it:
    /// `^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$`.
    ///
    /// Only the grammar is checked: a well-formed type manifold does not know is still a media
    /// type (the spec says unknown types are ignored, not refused). Parameters (`; charset=…`)
    /// are outside the grammar, as in the schema.
    public static func isWellFormed(_ text: String) -> Bool {
        // One pass over the bytes, nothing allocated: every descriptor of every document has
        // a media type, so a wide image checks thousands.
        var names = 0, length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "/") {
                guard names == 0, length > 0 else { return false }
                names = 1
                length = 0
                continue
            }
            guard length == 0 ? isAlphanumeric(byte) : isRestrictedNameCharacter(byte), length < maximumNameLength else {
                return false
            }
            length += 1
        }
        return names == 1 && length > 0
    }

    /// Throws a document error naming `field` when `text` is present and not well formed.
    static func checkGrammar(_ text: String?, field: String) throws {
        guard let text, !isWellFormed(text) else { return }
        throw ManifoldError(
            .invalidDocument,
            "\(field): \(quoted(text)) is not a media type (RFC 6838: type/subtype, each 1 to 127 of A-Z a-z 0-9 !#$&^_.+-, starting with a letter or digit)")
    }

    /// RFC 6838 `restricted-name`: a letter or digit, then up to 126 of `A-Za-z0-9!#$&^_.+-`.
    private static func isRestrictedNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "^"),
             UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default:
            isAlphanumeric(byte)
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
