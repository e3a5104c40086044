#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

extension AuthFile {
    /// Sets `auths[key]` to `{"auth": base64(username:password)}`, in place if the key is
    /// there (its other fields dropped, as skopeo does), else appended. Everything else in
    /// the document is kept.
    public mutating func setCredential(key: String, username: String, password: String) {
        let entry = JSONValue.object(JSONObject([("auth", .string(Base64.encode(Array("\(username):\(password)".utf8))))]))
        var map: JSONObject
        if case .object(let object)? = document["auths"] { map = object } else { map = JSONObject() }
        if let index = map.members.firstIndex(where: { $0.key == key }) {
            map.members[index].value = entry
        } else {
            map.members.append((key, entry))
        }
        setMember("auths", .object(map))
    }

    /// Removes the `auths` entry for `key` (or, for Docker Hub, under another of Hub's
    /// names); the key removed, or nil when there was none.
    public mutating func removeCredential(key: String) -> String? {
        guard case .object(var map)? = document["auths"] else { return nil }
        var candidates = [key]
        if Self.normalizedRegistry(key) == "index.docker.io" {
            candidates += ["docker.io", "index.docker.io", "registry-1.docker.io", Self.dockerHubServerURL]
        }
        for candidate in candidates {
            if let index = map.members.firstIndex(where: { $0.key == candidate }) {
                map.members.remove(at: index)
                setMember("auths", .object(map))
                return candidate
            }
        }
        return nil
    }

    private mutating func setMember(_ name: String, _ value: JSONValue) {
        if let index = document.members.firstIndex(where: { $0.key == name }) {
            document.members[index].value = value
        } else {
            document.members.append((name, value))
        }
    }

    /// Writes the document atomically: a temporary file beside `path`, mode 0600, synced,
    /// then renamed over it; missing parent directories are made with mode 0700. Tab-indented,
    /// members in their order, as containers/image writes it.
    public func write() throws {
        guard !isLegacyFormat else {
            throw ManifoldError(.unsupportedFormat, "\(path): a legacy .dockercfg file is never written")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try Self.makeDirectories(directory)
        var bytes = JSONWriter(indent: "\t", sortKeys: false).bytes(.object(document))
        bytes.append(UInt8(ascii: "\n"))

        let temporary = "\(directory)/.\(base).manifold-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ManifoldError(.unwritable, path: temporary, syscall: "open", errno: errno, action: "create") }
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            // O_CREAT's mode is masked by the umask; 0600 must hold whatever it is.
            guard fchmod(fd, 0o600) == 0 else { throw ManifoldError(.unwritable, path: temporary, syscall: "fchmod", errno: errno) }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw ManifoldError(.unwritable, path: temporary, syscall: "fsync", errno: errno) }
        }
        guard rename(temporary, path) == 0 else {
            throw ManifoldError(.unwritable, path: path, syscall: "rename", errno: errno, action: "replace")
        }
        done = true
    }

    /// `mkdir -p` with mode 0700 for what it creates; existing directories are left as they are.
    static func makeDirectories(_ directory: String) throws {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ManifoldError(.unwritable, path: directory, syscall: "mkdir", errno: ENOTDIR)
            }
            return
        }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try makeDirectories(String(directory[..<slash]))
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw ManifoldError(.unwritable, path: directory, syscall: "mkdir", errno: errno)
        }
    }
}

/// Writes every byte to `fd`, retrying on EINTR and short writes. A free function: inside
/// ``AuthFile`` the name `write` is the method.
private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw ManifoldError(.unwritable, path: path, syscall: "write", errno: errno)
        }
        written += count
    }
}
