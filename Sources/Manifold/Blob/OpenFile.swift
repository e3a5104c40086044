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
    private let type: mode_t
    private let owned: Bool

    var isDirectory: Bool { type == S_IFDIR }

    /// "a directory", "a FIFO"…: for messages about what a path is instead of a file.
    var typeDescription: String {
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
    convenience init(path: String, allowingDirectory: Bool = false) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            // No path in front: callers name the input their own way (BlobCheck, LocalContent).
            throw ManifoldError(.unreadable, path: nil, syscall: "open", errno: code)
        }
        // On failure the designated init closes `fd` itself (it owns it from the start).
        try self.init(descriptor: fd, path: path, owned: true, allowDirectory: allowingDirectory)
    }

    /// Opens `components` below the directory `directory` without following any symbolic
    /// link, and only if the last one is a regular file. Returns nil when it does not exist.
    ///
    /// Image layouts are untrusted: a blob that is a symlink could point anywhere
    /// (`/etc/shadow`, a device), and a FIFO would block a reader forever. So every directory
    /// on the way is opened with `O_NOFOLLOW | O_DIRECTORY`, the file with `O_NOFOLLOW |
    /// O_NONBLOCK` (opening a FIFO then returns at once), and its type is checked on the
    /// open descriptor, where it cannot change under us.
    static func openRegular(in directory: Int32, components: [String], display: String) throws -> OpenFile? {
        var current = directory
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            let flags = isLast ? O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK : O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY
            let fd = openat(current, component, flags)
            if fd < 0 {
                let code = errno
                let shown = components[...index].joined(separator: "/")
                switch code {
                case ENOENT:
                    return nil
                case ELOOP, ENOTDIR:
                    // O_NOFOLLOW | O_DIRECTORY on a symlink fails with ENOTDIR: look again.
                    var info = stat()
                    if fstatat(current, component, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK {
                        throw ManifoldError(.invalidLayout, "\(shown) is a symbolic link; image layouts must hold real files and directories")
                    }
                    throw ManifoldError(.invalidLayout, "\(shown) is not a directory")
                default:
                    throw ManifoldError(.unreadable, path: shown, syscall: "openat", errno: code)
                }
            }
            if isLast {
                let file = try OpenFile(descriptor: fd, path: display, owned: true, allowDirectory: true)
                guard file.isRegular else {
                    throw ManifoldError(.invalidLayout, "\(display) is \(file.typeDescription), not a regular file")
                }
                return file
            }
            opened.append(fd)
            current = fd
        }
        return nil
    }

    /// Takes ownership of an open descriptor (an in-memory file, in the fuzzers).
    static func adopting(_ descriptor: Int32, name: String) throws -> OpenFile {
        try OpenFile(descriptor: descriptor, path: name, owned: true)
    }

    /// Wraps a descriptor this object does not own (standard input).
    static func borrowing(_ descriptor: Int32, name: String) throws -> OpenFile {
        try OpenFile(descriptor: descriptor, path: name, owned: false)
    }

    private init(descriptor: Int32, path: String, owned: Bool, allowDirectory: Bool = false) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            if owned { close(descriptor) }
            throw ManifoldError(.unreadable, path: nil, syscall: "fstat", errno: code)
        }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR || allowDirectory else {
            if owned { close(descriptor) }
            throw ManifoldError(.unreadable, "is a directory")
        }
        self.descriptor = descriptor
        self.path = path
        self.isRegular = type == S_IFREG
        self.type = type
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
            throw ManifoldError(.unreadable, path: nil, syscall: offset == nil ? "read" : "pread", errno: code)
        }
    }
}

/// `read(2)`; at file scope so the name is the C function, not ``OpenFile/read(into:at:)``.
private func readStream(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
