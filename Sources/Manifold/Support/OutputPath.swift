#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSystem

/// The destination of a write-then-rename: its parent directory (held open, so every
/// operation is relative to the same directory even if paths change), its final name, and a
/// temporary name beside it.
final class OutputPath {
    let path: String
    let parent: Int32
    let name: String
    let temporaryName: String
    let force: Bool

    /// Refuses at once, before any work, when `path` exists and `force` is false.
    init(_ path: String, force: Bool) throws {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let slash = trimmed.lastIndex(of: "/")
        let directory = slash.map { String(trimmed[..<$0]).isEmpty ? "/" : String(trimmed[..<$0]) } ?? "."
        name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        guard !name.isEmpty, name != ".", name != ".." else {
            throw ManifoldError(.invalidArgument, "\(quoted(path)) is not a file or directory name to write")
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ManifoldError(.unreadable, "\(directory): cannot open the output's directory: \(String(cString: strerror(code)))")
        }
        parent = fd
        self.path = path
        self.force = force
        temporaryName = ".\(name).manifold-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        if !force, exists(name) {
            // Every property is set, so deinit runs and closes `parent`: closing it here too
            // would close whatever descriptor another thread opened in the meantime.
            throw ManifoldError(.outputExists, "\(path) exists; give --force to replace it")
        }
    }

    deinit { close(parent) }

    func exists(_ entry: String) -> Bool {
        var info = stat()
        return fstatat(parent, entry, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Moves the temporary into place. Without `force` an existing destination is never
    /// replaced (renameat2 RENAME_NOREPLACE), even one created while we worked. With `force`,
    /// the old destination — a file, a directory, or a symlink (the link itself, never its
    /// target) — is moved aside, replaced, then removed.
    func commit() throws {
        if manifold_rename_noreplace(parent, temporaryName, parent, name) == 0 { return }
        let code = errno
        guard code == EEXIST else {
            if code == ENOSYS || code == EINVAL {
                // No renameat2 here: check, then rename.
                if !exists(name) { try rename(temporaryName, name); return }
            } else {
                throw ManifoldError(.unreadable, "\(path): cannot rename into place: \(String(cString: strerror(code)))")
            }
            return try replace()
        }
        try replace()
    }

    private func replace() throws {
        guard force else {
            throw ManifoldError(.outputExists, "\(path) appeared while packing; give --force to replace it")
        }
        let aside = temporaryName + ".old"
        try rename(name, aside)
        do {
            try rename(temporaryName, name)
        } catch {
            try? rename(aside, name)
            throw error
        }
        removeTree(aside)
    }

    private func rename(_ from: String, _ to: String) throws {
        guard renameat(parent, from, parent, to) == 0 else {
            let code = errno
            throw ManifoldError(.unreadable, "\(path): rename failed: \(String(cString: strerror(code)))", cause: SystemError("renameat", errno: code))
        }
    }

    /// Removes an entry of the parent directory and, for a directory, everything below it,
    /// never following a symlink.
    func removeTree(_ entry: String) {
        Self.removeTree(entry, in: parent)
    }

    static func removeTree(_ entry: String, in directory: Int32) {
        if unlinkat(directory, entry, 0) == 0 { return }
        let fd = openat(directory, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        if let stream = fdopendir(fd) {
            var names: [String] = []
            while let item = readdir(stream) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            for name in names { removeTree(name, in: fd) }
            closedir(stream)
        } else {
            close(fd)
        }
        unlinkat(directory, entry, AT_REMOVEDIR)
    }
}
