/// Where `pack` writes an image: an OCI layout directory or an oci-archive tar.
///
/// Everything goes to a temporary name beside the destination; ``commit()`` renames it into
/// place, ``abort()`` removes it, so a failed pack leaves the destination as it was. Writes
/// come in sorted path order (the tar sink relies on it for deterministic output).
protocol ImageSink: AnyObject {
    func directory(_ path: String) throws
    /// A file of exactly `size` bytes that `body` emits in chunks.
    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws
    /// Adds an existing file by reflink or hard link instead of a copy, when the sink and
    /// the file allow it; returns how, or nil when it cannot (the caller then copies).
    func link(_ path: String, to source: StoredFile) throws -> LinkMethod?
    func commit() throws
    func abort()
}

extension ImageSink {
    func file(_ path: String, bytes: [UInt8]) throws {
        try file(path, size: UInt64(bytes.count)) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }
}

/// How `pack --link` placed a blob.
public enum LinkMethod: String, Sendable {
    /// Sharing the source's extents (copy-on-write: btrfs, XFS).
    case reflink
    /// Another name for the source's inode: the two files are one.
    case hardLink = "hard link"
}
