#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file being written, through a 1 MiB buffer, with every write checked.
final class OutputFile {
    let descriptor: Int32
    let path: String
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    private(set) var bytesWritten: UInt64 = 0
    /// Whether deinit closes the descriptor (not for standard output).
    private let owned: Bool

    /// Creates `name` in the directory `directory` (an open descriptor); fails if anything is
    /// there already, and never follows a symlink.
    init(creating name: String, in directory: Int32, display: String, mode: mode_t = 0o644) throws {
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            throw ManifoldError(.unwritable, path: display, syscall: "openat", errno: code, action: "create")
        }
        descriptor = fd
        path = display
        owned = true
        buffer.reserveCapacity(capacity)
    }

    /// Standard output, written through the same buffer; never closed here.
    init(standardOutput display: String) {
        descriptor = STDOUT_FILENO
        path = display
        owned = false
        buffer.reserveCapacity(capacity)
    }

    deinit { if owned { close(descriptor) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        bytesWritten += UInt64(bytes.count)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Leaves `count` bytes unwritten here (a hole, to be filled with ``write(_:at:)``) and
    /// goes on after them.
    func skip(_ count: UInt64) throws {
        try flush()
        guard lseek(descriptor, off_t(count), SEEK_CUR) >= 0 else {
            let code = errno
            throw ManifoldError(.unwritable, path: path, syscall: "lseek", errno: code)
        }
        bytesWritten += count
    }

    /// Writes `bytes` at `offset` with `pwrite`, past the buffer and without moving the
    /// file's position: several threads may fill their own holes at once.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ManifoldError(.unwritable, path: path, syscall: "pwrite", errno: code)
            }
            done += written
        }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ManifoldError(.unwritable, path: path, syscall: "write", errno: code)
            }
            offset += written
        }
    }
}
