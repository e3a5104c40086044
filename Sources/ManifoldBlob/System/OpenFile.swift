#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor, closed when the last reference goes.
///
/// `@unchecked Sendable`: the descriptor never changes after `init`, and the reads made
/// through it (`pread`) carry their own offset, so threads can share it.
package final class OpenFile: @unchecked Sendable {
    package let descriptor: Int32
    package let path: String
    /// The file's type and size as `fstat` saw them when it was opened.
    package let isRegular: Bool
    package let size: UInt64
    private let type: mode_t
    private let owned: Bool

    package var isDirectory: Bool { type == S_IFDIR }

    /// "a directory", "a FIFO"…: for messages about what a path is instead of a file.
    package var typeDescription: String { Self.typeDescription(type) }

    /// The words for a file type (`st_mode & S_IFMT`), for files looked at without opening them.
    package static func typeDescription(_ type: mode_t) -> String {
        switch type {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Opens `path` for reading. Directories are refused; every other kind of file is read.
    package convenience init(path: String, allowingDirectory: Bool = false) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            // No path in front: callers name the input their own way (BlobCheck, LocalContent).
            throw ManifoldError(.unreadable, path: nil, syscall: "open", errno: code)
        }
        // On failure the designated init closes `fd` itself (it owns it from the start).
        try self.init(descriptor: fd, path: path, owned: true, allowDirectory: allowingDirectory)
    }

    /// Takes ownership of an open descriptor (an in-memory file, in the fuzzers).
    package static func adopting(_ descriptor: Int32, name: String) throws -> OpenFile {
        try OpenFile(descriptor: descriptor, path: name, owned: true)
    }

    /// Wraps a descriptor this object does not own (standard input).
    package static func borrowing(_ descriptor: Int32, name: String) throws -> OpenFile {
        try OpenFile(descriptor: descriptor, path: name, owned: false)
    }

    /// Takes `descriptor` (closing it on failure when `owned`); refuses a directory unless
    /// `allowDirectory`.
    package init(descriptor: Int32, path: String, owned: Bool, allowDirectory: Bool = false) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            if owned { close(descriptor) }
            throw ManifoldError(.unreadable, path: nil, syscall: "fstat", errno: code)
        }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR || allowDirectory else {
            if owned { close(descriptor) }
            // open(2) accepts a directory for reading; read(2) is what refuses it, with
            // EISDIR. Say so through the one errno mapping, which keeps the cause.
            throw ManifoldError(.unreadable, path: nil, syscall: "read", errno: EISDIR)
        }
        self.descriptor = descriptor
        self.path = path
        self.isRegular = type == S_IFREG
        self.type = type
        self.size = UInt64(max(info.st_size, 0))
        self.owned = owned
        if isRegular && size > UInt64(BlobReader.defaultChunkSize) {
            // Tell the kernel to read ahead aggressively: every blob is read front to back once.
            // Not for a file of one chunk, read with one pread: the advice would be a system
            // call per blob for nothing (a wide image has thousands).
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        }
    }

    deinit {
        if owned { close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes at `offset` (regular files) or from the current
    /// position (streams), retrying on EINTR. Returns 0 at end of file.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64?) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let count: Int
            if let offset {
                count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            } else {
                count = readStream(descriptor, buffer)
            }
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw ManifoldError(.unreadable, path: nil, syscall: offset == nil ? "read" : "pread", errno: code)
        }
    }
}

/// `read(2)`; at file scope so the name is the C function, not ``OpenFile/read(into:at:)``.
private func readStream(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
