#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file that writers replace by renaming a new file over it (an
/// oci-archive `sign` rewrites): held from before the file is read until after the new one
/// is in place, so that two writers read-modify-rename one after the other, never both from
/// the same old file. A writer that waited while the other renamed holds the lock of a file
/// no longer at the path: it opens the path again and takes the new file's lock.
final class FileLock {
    private let descriptor: Int32

    /// Blocks until the lock of the file now at `path` is held.
    init(_ path: String) throws {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw ManifoldError(.unreadable, path: path, syscall: "open", errno: code, action: "open to lock")
            }
            while flock(fd, LOCK_EX) != 0 {
                let code = errno
                guard code == EINTR else {
                    close(fd)
                    throw ManifoldError(.unwritable, path: path, syscall: "flock", errno: code, action: "lock")
                }
            }
            var held = stat()
            var current = stat()
            if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_dev == current.st_dev, held.st_ino == current.st_ino {
                descriptor = fd
                return
            }
            // Replaced while we waited: lock what is there now.
            close(fd)
        }
    }

    deinit {
        close(descriptor)
    }
}
