#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSystem

/// The destination of a write-then-rename: its parent directory (held open, so every
/// operation is relative to the same directory even if paths change), its final name, and a
/// temporary name beside it, registered with ``TemporaryOutputs`` so that an interrupted run
/// leaves nothing behind.
final class OutputPath {
    /// What the command writes at the destination, and so the only thing `force` may replace.
    enum Kind {
        /// An OCI image layout directory.
        case layout
        /// A regular file (an oci-archive).
        case file
    }

    let path: String
    let parent: Int32
    let name: String
    let temporaryName: String
    let kind: Kind
    let force: Bool
    private var token: Int?

    /// Refuses at once, before any work, when `path` exists and `force` is false, or when
    /// `force` is given but what is there is not what this command writes. Removes the
    /// leftovers of earlier runs writing the same destination whose writer is gone.
    /// `checksExisting` false: a second temporary for the same destination (a pull's staging
    /// directory), which never replaces it, so what is there does not matter.
    init(_ path: String, kind: Kind, force: Bool, checksExisting: Bool = true) throws {
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
            throw ManifoldError(.unwritable, path: directory, syscall: "open", errno: code, action: "open the output's directory")
        }
        parent = fd
        self.path = path
        self.kind = kind
        self.force = force
        temporaryName = TemporaryOutputs.name(for: name)
        // Every property is set from here on, so deinit runs and closes `parent`: closing it
        // here too would close whatever descriptor another thread opened in the meantime.
        TemporaryOutputs.sweep(in: parent, output: name)
        if checksExisting, exists(name) {
            guard force else { throw ManifoldError(.outputExists, "\(path) exists; give --force to replace it") }
            try checkReplaceable()
        }
    }

    deinit {
        if let token { TemporaryOutputs.forget(token) }
        close(parent)
    }

    func exists(_ entry: String) -> Bool {
        var info = stat()
        return fstatat(parent, entry, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Creates the temporary directory and returns its open (and locked) descriptor.
    func makeTemporaryDirectory() throws -> Int32 {
        let (fd, token) = try TemporaryOutputs.create(in: parent, name: temporaryName) {
            guard mkdirat(parent, temporaryName, 0o755) == 0 else {
                let code = errno
                throw ManifoldError(.unwritable, path: path, syscall: "mkdirat", errno: code, action: "create a temporary directory")
            }
            let fd = openat(parent, temporaryName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                TemporaryOutputs.removeTree(temporaryName, in: parent)
                throw ManifoldError(.unwritable, path: path, syscall: "openat", errno: code, action: "open its temporary directory")
            }
            return fd
        }
        self.token = token
        return fd
    }

    /// Creates the temporary file (locked while it is open).
    func makeTemporaryFile() throws -> OutputFile {
        var file: OutputFile?
        let (_, token) = try TemporaryOutputs.create(in: parent, name: temporaryName) {
            let created = try OutputFile(creating: temporaryName, in: parent, display: path)
            file = created
            return created.descriptor
        }
        self.token = token
        guard let file else { throw ManifoldError(.internalFailure, "\(path): temporary file not created") }
        return file
    }

    /// Removes the temporary (a failed or abandoned write).
    func removeTemporary() {
        TemporaryOutputs.removeTree(temporaryName, in: parent)
        if let token { TemporaryOutputs.forget(token) }
        token = nil
    }

    /// Moves the temporary into place. Without `force` an existing destination is never
    /// replaced (renameat2 RENAME_NOREPLACE), even one created while we worked. With `force`,
    /// the old destination — checked again to be what this command writes, or a symlink (the
    /// link itself, never its target) — is moved aside, replaced, then removed.
    func commit() throws {
        let aside: (name: String, token: Int)? = try TemporaryOutputs.renaming { register, forget in
            // The temporary is forgotten in the same locked step that renames it into place:
            // an interrupt either removes it before, or leaves the output alone after.
            let own = token
            if manifold_rename_noreplace(parent, temporaryName, parent, name) == 0 {
                own.map(forget)
                return nil
            }
            let code = errno
            let noRenameat2 = code == ENOSYS || code == EINVAL
            if noRenameat2, !exists(name) {
                // No renameat2 here: check, then rename.
                try rename(temporaryName, name)
                own.map(forget)
                return nil
            }
            guard code == EEXIST || noRenameat2 else {
                throw ManifoldError(.unwritable, path: path, syscall: "renameat2", errno: code, action: "rename into place")
            }
            guard force else {
                throw ManifoldError(.outputExists, "\(path) appeared while writing; give --force to replace it")
            }
            try checkReplaceable()
            let asideName = temporaryName + ".old"
            try rename(name, asideName)
            let asideToken = register(parent, asideName)
            do {
                try rename(temporaryName, name)
            } catch {
                try? rename(asideName, name)
                forget(asideToken)
                throw error
            }
            own.map(forget)
            return (asideName, asideToken)
        }
        token = nil
        if let aside {
            TemporaryOutputs.removeTree(aside.name, in: parent)
            TemporaryOutputs.forget(aside.token)
        }
    }

    /// Moves the temporary over the destination in one `rename(2)`: a file rewritten in place
    /// (an archive `sign` adds to), which is at every moment the old file or the new one.
    func replace() throws {
        try TemporaryOutputs.renaming { _, forget in
            try rename(temporaryName, name)
            token.map(forget)
        }
        token = nil
    }

    /// `force` replaces only what this command would write there: an OCI layout directory
    /// (nothing in it but `oci-layout`, `index.json` and `blobs/<algorithm>/<blob>`) for a
    /// layout, a regular file for an archive, or a symlink (the link alone is replaced). A
    /// directory of anything else is refused whole, so `--force -o DIR` cannot empty it.
    private func checkReplaceable() throws {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { return }
        switch kind {
        case .file:
            guard type == S_IFREG else {
                throw refusal(type == S_IFDIR ? "it is a directory, and the output is an oci-archive (a file)" : "it is not a regular file")
            }
        case .layout:
            guard type == S_IFDIR else {
                throw refusal("it is not a directory, and the output is an OCI layout directory")
            }
            if let reason = Self.notALayout(name, in: parent) { throw refusal(reason) }
        }
    }

    private func refusal(_ reason: String) -> ManifoldError {
        let what = kind == .layout ? "an OCI layout directory" : "a regular file"
        return ManifoldError(.outputExists, "\(path) exists and \(reason); --force replaces only \(what), so it is left as it is: remove it yourself or choose another output")
    }

    /// Why the directory `name` is not an OCI layout that a pack could have written, or nil.
    private static func notALayout(_ name: String, in parent: Int32) -> String? {
        let root = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { return "it cannot be opened" }
        defer { close(root) }
        return notALayout(root: root)
    }

    /// Whether `path` is a directory (not a symlink to one) holding an OCI layout and
    /// nothing else: what a pull may add to in place.
    static func isLayoutDirectory(_ path: String) -> Bool {
        let root = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { return false }
        defer { close(root) }
        return notALayout(root: root) == nil
    }

    /// Why the open directory `root` is not an OCI layout that a pack could have written, or nil.
    private static func notALayout(root: Int32) -> String? {
        var info = stat()
        guard fstatat(root, "oci-layout", &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return "it is not an OCI layout (no oci-layout file)"
        }
        // A temporary of a pull that added to the layout and was killed is no content of its own.
        for entry in directoryNames(root) where entry != "oci-layout" && !(entry.hasPrefix(".index.json.manifold-") && entry.hasSuffix(".tmp")) {
            guard entry == "index.json" || entry == "blobs" else {
                return "it holds \(quoted(entry)), which is not part of an OCI layout"
            }
        }
        let blobs = openat(root, "blobs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard blobs >= 0 else {
            return errno == ENOENT ? nil : "its blobs is not a directory"
        }
        defer { close(blobs) }
        for algorithm in directoryNames(blobs) {
            let fd = openat(blobs, algorithm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { return "it holds blobs/\(algorithm), which is not a directory of blobs" }
            defer { close(fd) }
            for blob in directoryNames(fd) {
                guard fstatat(fd, blob, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT != S_IFDIR else {
                    return "it holds the directory blobs/\(algorithm)/\(blob), which is not a blob"
                }
            }
        }
        return nil
    }

    private func rename(_ from: String, _ to: String) throws {
        guard renameat(parent, from, parent, to) == 0 else {
            let code = errno
            throw ManifoldError(.unwritable, path: path, syscall: "renameat", errno: code)
        }
    }
}
