#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Here, not beside OpenFile in ManifoldBlob: what an image layout may hold (no symlinks, only
// regular files) is an image rule, and its errors are layout errors.
extension OpenFile {
    /// Opens `components` below the directory `directory` without following any symbolic
    /// link, and only if the last one is a regular file. Returns nil when it does not exist.
    ///
    /// Image layouts are untrusted: a blob that is a symlink could point anywhere
    /// (`/etc/shadow`, a device), and a FIFO would block a reader forever. So every directory
    /// on the way is opened with `O_NOFOLLOW | O_DIRECTORY`, the file with `O_NOFOLLOW |
    /// O_NONBLOCK` (opening a FIFO then returns at once), and its type is checked on the
    /// open descriptor, where it cannot change under us.
    static func openRegular(in directory: Int32, components: [String], display: String) throws -> OpenFile? {
        try openRegular(in: directory, components: components, from: 0, display: display)
    }

    /// As ``openRegular(in:components:display:)``, with `directory` already open at
    /// `components[..<from]` (opened as ``openDirectories(in:components:)`` does): only the
    /// rest is opened, and messages still name the whole path.
    static func openRegular(in directory: Int32, components: [String], from: Int, display: String) throws -> OpenFile? {
        var current = directory
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        for index in from..<max(from, components.count) {
            let isLast = index == components.count - 1
            guard let fd = try openComponent(in: current, components: components, index: index, isLast: isLast) else { return nil }
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

    /// The size of `name`, a regular file in the directory `directory`, looked at without
    /// opening it or following a link (`fstatat`); nil when it does not exist. Refuses what
    /// ``openRegular(in:components:from:display:)`` refuses, with the same words, so a blob
    /// can be located during the walk and opened only when it is read — where it is opened
    /// with every refusal again, so a file swapped in between gains nothing.
    static func regularFileSize(in directory: Int32, name: String, display: String) throws -> UInt64? {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw ManifoldError(.unreadable, path: display, syscall: "fstatat", errno: code, action: "open")
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK {
            throw ManifoldError(.invalidLayout, "\(display) is a symbolic link; image layouts must hold real files and directories")
        }
        guard type == S_IFREG else {
            throw ManifoldError(.invalidLayout, "\(display) is \(typeDescription(type)), not a regular file")
        }
        return UInt64(max(info.st_size, 0))
    }

    /// Opens the directories `components` below `directory`, each with `O_NOFOLLOW |
    /// O_DIRECTORY` and the same refusals as ``openRegular(in:components:display:)``. Returns
    /// the last one's descriptor, which the caller closes, or nil when one does not exist.
    static func openDirectories(in directory: Int32, components: [String]) throws -> Int32? {
        var current = directory
        // Each step closes the directory above it, whatever happens.
        for index in components.indices {
            let above = current
            defer { if above != directory { close(above) } }
            guard let fd = try openComponent(in: above, components: components, index: index, isLast: false) else { return nil }
            current = fd
        }
        return current == directory ? nil : current
    }

    /// One step of the walk down: `components[index]` below `current`. Nil when it does not
    /// exist; a symlink, a non-directory on the way or a failed open is thrown.
    private static func openComponent(in current: Int32, components: [String], index: Int, isLast: Bool) throws -> Int32? {
        let component = components[index]
        let flags = isLast ? O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK : O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY
        let fd = openat(current, component, flags)
        if fd >= 0 { return fd }
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
}
