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
final class OpenFile: @unchecked Sendable {
    let descriptor: Int32
    let path: String
    /// The file's type and size as `fstat` saw them when it was opened.
    let isRegular: Bool
    let size: UInt64
    private let owned: Bool

    /// Opens `path` for reading. Directories are refused; every other kind of file is read.
    convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ManifoldError(.unreadable, "cannot open: \(String(cString: strerror(code)))", cause: SystemError("open", errno: code))
        }
        // On failure the designated init closes `fd` itself (it owns it from the start).
        try self.init(descriptor: fd, path: path, owned: true)
    }

    /// Wraps a descriptor this object does not own (standard input).
    static func borrowing(_ descriptor: Int32, name: String) throws -> OpenFile {
        try OpenFile(descriptor: descriptor, path: name, owned: false)
    }

    private init(descriptor: Int32, path: String, owned: Bool) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            if owned { close(descriptor) }
            throw ManifoldError(.unreadable, "cannot stat: \(String(cString: strerror(code)))", cause: SystemError("fstat", errno: code))
        }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR else {
            if owned { close(descriptor) }
            throw ManifoldError(.unreadable, "is a directory")
        }
        self.descriptor = descriptor
        self.path = path
        self.isRegular = type == S_IFREG
        self.size = UInt64(max(info.st_size, 0))
        self.owned = owned
        if isRegular {
            // Tell the kernel to read ahead aggressively: every blob is read front to back once.
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        }
    }

    deinit {
        if owned { close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes at `offset` (regular files) or from the current
    /// position (streams), retrying on EINTR. Returns 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64?) throws -> Int {
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
            throw ManifoldError(.unreadable, "read failed: \(String(cString: strerror(code)))", cause: SystemError("read", errno: code))
        }
    }
}

/// `read(2)`; at file scope so the name is the C function, not ``OpenFile/read(into:at:)``.
private func readStream(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
