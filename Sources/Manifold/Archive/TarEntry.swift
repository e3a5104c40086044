/// One member of a tar archive, as its headers describe it.
public struct TarEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case regular, directory, symlink, hardLink, other(UInt8)
    }

    /// The member's path, normalized: no leading `./`, no trailing `/`.
    public let name: String
    public let kind: Kind
    /// The link target, for links.
    public let linkName: String
    /// Offset of the member's data in the archive file.
    public let offset: UInt64
    public let size: UInt64
    public let mode: UInt32
}
