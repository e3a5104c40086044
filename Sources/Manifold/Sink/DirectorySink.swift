#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSystem

/// Writes an OCI layout directory under a temporary name, renamed into place on commit.
/// Files are created with `O_EXCL | O_NOFOLLOW` below the temporary directory's descriptor,
/// so nothing is ever written through a symlink.
final class DirectorySink: LayoutFileSink {
    private let output: OutputPath
    private let root: Int32
    private var finished = false

    init(_ output: OutputPath) throws {
        self.output = output
        root = try output.makeTemporaryDirectory()
    }

    deinit { close(root) }

    func directory(_ path: String) throws {
        guard mkdirat(root, path, 0o755) == 0 || errno == EEXIST else {
            let code = errno
            throw ManifoldError(.unwritable, path: "\(output.path)/\(path)", syscall: "mkdirat", errno: code, action: "create")
        }
    }

    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let file = try OutputFile(creating: path, in: root, display: "\(output.path)/\(path)")
        try body { try file.write($0) }
        try file.flush()
        guard file.bytesWritten == size else {
            throw ManifoldError(.internalFailure, "\(path): wrote \(file.bytesWritten) bytes, expected \(size)")
        }
    }

    /// A reflink when the filesystem shares extents, else a hard link; nil when neither works
    /// (another filesystem, a source inside a tar).
    func link(_ path: String, to source: StoredFile) throws -> LinkMethod? {
        guard let sourceFile = source.wholeFile else { return nil }
        let fd = openat(root, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd >= 0 {
            let cloned = manifold_reflink(fd, sourceFile.descriptor) == 0
            close(fd)
            if cloned { return .reflink }
            unlinkat(root, path, 0)
        }
        if linkat(AT_FDCWD, "/proc/self/fd/\(sourceFile.descriptor)", root, path, AT_SYMLINK_FOLLOW) == 0 {
            return .hardLink
        }
        return nil
    }

    func commit() throws {
        try output.commit()
        finished = true
    }

    func abort() {
        guard !finished else { return }
        output.removeTemporary()
    }
}
