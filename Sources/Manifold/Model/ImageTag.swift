/// A tag, as the OCI distribution-spec writes its grammar:
/// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests).
///
/// Checked before anything is written under it, so no output carries a tag that a registry
/// or a peer (skopeo, umoci) would refuse.
public enum ImageTag {
    public static func isValid(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return false }
        func word(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
        }
        return word(first) && bytes.dropFirst().allSatisfy { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// Throws an error naming `what` (e.g. "--tag") when `tag` breaks the grammar.
    public static func validate(_ tag: String, what: String) throws {
        guard isValid(tag) else {
            throw ManifoldError(
                .invalidArgument,
                "\(what) \(quoted(tag)) is not a valid tag: 1 to 128 of A-Z a-z 0-9 _ . -, not starting with . or -")
        }
    }
}
