#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSystem

/// Adds to an OCI layout directory that exists already, in place, so that it is a valid
/// layout at every moment, whatever interrupts the run:
/// - a blob it holds already (the pull read it from here and found its size and digest
///   right, ``ExistingLayoutOverlay``) is left alone; a missing one is written under a
///   temporary name (registered with ``TemporaryOutputs``, so an interrupt removes it) and
///   renamed into place complete, or hard-linked into place from the verified staged file;
///   a blob of the right name but the wrong content is replaced the same way;
/// - `index.json` is written last, under a temporary name renamed over the old one (one
///   atomic step): the old file's entries kept byte for byte, those the new roots replace
///   left out (``LayoutIndexMerge``);
/// - `oci-layout` is kept as it is;
/// - concurrent pulls into one layout merge their entries under a `flock` of its directory.
/// Temporaries of earlier runs killed outright are swept when this sink opens the layout.
final class ExistingLayoutSink: LayoutFileSink {
    private let path: String
    private let root: Int32
    /// The blobs (`blobs/ALG/ENC`) the pull read from the layout and found to be what their
    /// names say: left alone. Any other blob is written, replacing a file of its name.
    private let kept: Set<String>
    private var tokens: [(parent: Int32, name: String, token: Int)] = []

    /// Opens the layout at `path` (a directory that ``OutputPath/notALayout(_:in:)`` accepted).
    /// `kept`: the blobs to leave alone.
    init(_ path: String, keeping kept: Set<String>) throws {
        self.path = path
        self.kept = kept
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ManifoldError(.unwritable, path: path, syscall: "open", errno: code, action: "open the layout to add to")
        }
        root = fd
        Self.sweep(root)
    }

    /// Removes the temporaries of earlier runs killed outright (whose writer is gone) from
    /// the layout at `path`: its index.json's and its blobs'. A pull calls it first thing.
    static func sweep(_ path: String) {
        let root = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { return }
        defer { close(root) }
        sweep(root)
    }

    private static func sweep(_ root: Int32) {
        TemporaryOutputs.sweep(in: root, output: "index.json")
        let blobs = openat(root, "blobs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if blobs >= 0 {
            defer { close(blobs) }
            for algorithm in directoryNames(blobs) {
                let directory = openat(blobs, algorithm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard directory >= 0 else { continue }
                defer { close(directory) }
                for name in directoryNames(directory) where name.hasPrefix(".") && name.contains(".manifold-") {
                    TemporaryOutputs.sweep(in: directory, output: String(name.dropFirst().prefix { $0 != "." }))
                }
            }
        }
    }

    deinit {
        abort()
        close(root)
    }

    func directory(_ path: String) throws {
        guard mkdirat(root, path, 0o755) == 0 || errno == EEXIST else {
            let code = errno
            throw ManifoldError(.unwritable, path: "\(self.path)/\(path)", syscall: "mkdirat", errno: code, action: "create")
        }
    }

    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        if path == "oci-layout" { return }
        if path == "index.json" {
            var bytes: [UInt8] = []
            try body { bytes += $0 }
            return try replaceIndex(with: bytes)
        }
        let (parent, name) = try openParent(path)
        defer { close(parent) }
        if kept.contains(path), Self.isRegular(name, in: parent, size: size) { return }
        try write(name, in: parent, display: "\(self.path)/\(path)", replacing: true) { file in
            try body { try file.write($0) }
            try file.flush()
            guard file.bytesWritten == size else {
                throw ManifoldError(.internalFailure, "\(path): wrote \(file.bytesWritten) bytes, expected \(size)")
            }
        }
    }

    /// A hard link from the staged (verified, complete) file straight to the blob's name:
    /// the name appears with every byte at once. Nil when it cannot (another filesystem, or
    /// a file of that name that is not this blob: the caller then writes it).
    func link(_ path: String, to source: StoredFile) throws -> LinkMethod? {
        guard let sourceFile = source.wholeFile else { return nil }
        let (parent, name) = try openParent(path)
        defer { close(parent) }
        if kept.contains(path), Self.isRegular(name, in: parent, size: source.size) { return .hardLink }
        return linkat(AT_FDCWD, "/proc/self/fd/\(sourceFile.descriptor)", parent, name, AT_SYMLINK_FOLLOW) == 0 ? .hardLink : nil
    }

    /// Takes the layout's lock now and holds it until index.json is replaced (or the sink
    /// goes): for a writer whose new entries depend on what index.json lists already —
    /// `sign` adds its signature to the manifest a tag names — so that its read and its
    /// rename are one step to every other writer of the layout. Blocks while another holds it.
    func lockIndex() {
        while flock(root, LOCK_EX) != 0 {
            guard errno == EINTR else { break }
        }
    }

    func commit() throws {}

    /// Removes what is being written; blobs already in place stay (complete and verified).
    func abort() {
        for (parent, name, token) in tokens {
            TemporaryOutputs.removeTree(name, in: parent)
            TemporaryOutputs.forget(token)
            close(parent)
        }
        tokens = []
    }

    private func replaceIndex(with written: [UInt8]) throws {
        let roots = try LayoutIndexMerge.roots(of: written)
        // Two pulls adding to one layout at once: each reads, merges and renames under an
        // exclusive lock on the layout directory, so neither loses the other's entry.
        while flock(root, LOCK_EX) != 0 {
            guard errno == EINTR else { break }
        }
        defer { flock(root, LOCK_UN) }
        var existing: [UInt8]?
        let fd = openat(root, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            let file = try OpenFile.adopting(fd, name: "\(path)/index.json")
            existing = try StoredFile(path: "index.json", size: file.size, input: .region(of: file, offset: 0, length: file.size, name: "index.json"),
                                      identity: "index.json").readAll(limit: 64 << 20)
        } else if errno != ENOENT {
            let code = errno
            throw ManifoldError(.unwritable, path: "\(path)/index.json", syscall: "openat", errno: code, action: "read the index to add to")
        }
        let merged = try existing.map { try LayoutIndexMerge.merge($0, adding: roots, display: "\(path)/index.json") } ?? written
        let parent = dup(root)
        defer { close(parent) }
        try write("index.json", in: parent, display: "\(path)/index.json", replacing: true) { file in
            try file.write(merged)
            try file.flush()
        }
    }

    /// Writes `name` in `parent` under a temporary name, then renames it into place
    /// (over what is there, when `replacing`).
    private func write(_ name: String, in parent: Int32, display: String, replacing: Bool, _ fill: (OutputFile) throws -> Void) throws {
        let temporary = TemporaryOutputs.name(for: name)
        var created: OutputFile?
        let (_, token) = try TemporaryOutputs.create(in: parent, name: temporary) {
            let file = try OutputFile(creating: temporary, in: parent, display: display)
            created = file
            return file.descriptor
        }
        let owned = dup(parent)
        tokens.append((owned, temporary, token))
        guard let file = created else { throw ManifoldError(.internalFailure, "\(display): temporary file not created") }
        try fill(file)
        guard fsync(file.descriptor) == 0 else {
            let code = errno
            throw ManifoldError(.unwritable, path: display, syscall: "fsync", errno: code)
        }
        try TemporaryOutputs.renaming { _, forget in
            guard renameat(parent, temporary, parent, name) == 0 else {
                let code = errno
                throw ManifoldError(.unwritable, path: display, syscall: "renameat", errno: code, action: "rename into place")
            }
            forget(token)
        }
        if let at = tokens.firstIndex(where: { $0.token == token }) {
            close(tokens[at].parent)
            tokens.remove(at: at)
        }
    }

    /// The directory of `path` (below the layout, never through a symlink) and the last name.
    private func openParent(_ path: String) throws -> (Int32, String) {
        var components = path.split(separator: "/").map(String.init)
        let name = components.removeLast()
        var fd = dup(root)
        for component in components {
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            close(fd)
            guard next >= 0 else {
                throw ManifoldError(.unwritable, path: "\(self.path)/\(path)", syscall: "openat", errno: code, action: "open the directory of")
            }
            fd = next
        }
        return (fd, name)
    }

    private static func isRegular(_ name: String, in parent: Int32, size: UInt64) -> Bool {
        var info = stat()
        return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFREG && UInt64(info.st_size) == size
    }
}
