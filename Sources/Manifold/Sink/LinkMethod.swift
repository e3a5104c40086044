/// How `pack --link` placed a blob.
public enum LinkMethod: String, Sendable {
    /// Sharing the source's extents (copy-on-write: btrfs, XFS).
    case reflink
    /// Another name for the source's inode: the two files are one.
    case hardLink = "hard link"
}
