#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// https://github.com/opencontainers/image-spec/blob/main/image-layout.md

/// An OCI image layout directory.
///
/// Every file is opened below the layout's directory descriptor without following links, so
/// nothing in an untrusted layout can make manifold read outside it (see
/// `OpenFile.openRegular(in:components:display:)`).
struct OCILayoutDirectory: ContentProvider {
    let location: String
    let directory: OpenFile
    /// `blobs/<algorithm>` and the like, opened once (their files are opened by the thousand).
    private let directories: LayoutDirectoryCache
    var kind: ImageSourceKind? { .ociLayout }

    init(path: String, directory: OpenFile) throws {
        self.location = path
        self.directory = directory
        directories = LayoutDirectoryCache(root: directory)
        guard let layout = try file(at: "oci-layout") else {
            throw ManifoldError(.invalidLayout, "\(path) is a directory without an oci-layout file: not an OCI image layout")
        }
        try checkLayoutVersion(layout)
    }

    /// A layout directory is an OCI layout: a `manifest.json` in it is no root.
    func roots() throws -> [ContentRoot] {
        [.index]
    }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        try file(at: root.name)?.readAll(limit: limit)
    }

    func file(at path: String) throws -> StoredFile? {
        let components = try safeComponents(path)
        let opened: OpenFile?
        if components.count > 1 {
            guard let parent = try directories.directory(Array(components.dropLast())) else { return nil }
            opened = try OpenFile.openRegular(in: parent, components: components, from: components.count - 1, display: path)
        } else {
            opened = try OpenFile.openRegular(in: directory.descriptor, components: components, display: path)
        }
        guard let file = opened else { return nil }
        return StoredFile(path: path, size: file.size, input: .region(of: file, offset: 0, length: file.size, name: path),
                          identity: "dir:\(path)")
    }

    /// Blobs are regular files at `blobs/<algorithm>/<encoded>`: a symlink, FIFO or
    /// directory there is an error. A blob is located here (one `fstatat`) and opened when
    /// it is read, on the thread that reads it: a wide image's thousands of blobs are never
    /// all open at once, and the walk, which locates them one after another, makes no open
    /// and no close per blob.
    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        let digest = descriptor.digest
        let path = digest.layoutPath
        // A digest is grammatical (no "/", never "." or ".."): its parts are path components
        // as they are, with no split of the path to check.
        let components = ["blobs", digest.algorithm.rawValue, digest.encoded]
        guard let parent = try directories.directory(Array(components.dropLast())),
              let size = try OpenFile.regularFileSize(in: parent, name: digest.encoded, display: path)
        else { return nil }
        let directories = self.directories
        let input = BlobInput.deferred(name: path) {
            // Located a moment ago: gone now is a file that cannot be read, not an absent blob.
            guard let parent = try directories.directory(Array(components.dropLast())),
                  let file = try OpenFile.openRegular(in: parent, components: components, from: components.count - 1, display: path)
            else { throw ManifoldError(.unreadable, path: path, syscall: "openat", errno: ENOENT) }
            return file
        }
        return StoredFile(path: path, size: size, input: input, identity: "dir:\(path)")
    }

    /// Documents are read whole as soon as they are located: opened at once, no `fstatat`
    /// first.
    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        try file(at: descriptor.digest.layoutPath)?.readAll(limit: limit)
    }

    func blobPaths() throws -> [String]? {
        var paths: [String] = []
        for algorithm in try listDirectory(in: directory.descriptor, "blobs") {
            for encoded in try listDirectory(in: directory.descriptor, "blobs/\(algorithm)") {
                paths.append("blobs/\(algorithm)/\(encoded)")
            }
        }
        return paths
    }
}

/// The names in a directory below `directory`, opened without following links.
private func listDirectory(in directory: Int32, _ path: String) throws -> [String] {
    let fd = openat(directory, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    return directoryNames(fd)
}

/// Splits a path inside an image into components, refusing absolute paths and `..`.
///
/// Split on the UTF-8 bytes, as the kernel does, never on Characters: a "/" followed by a
/// combining mark is one Character, so a Character split kept `../\u{301}x` as one
/// component that is not "..", which `openat` would then walk out of the image with. It is
/// also what the walk pays per blob: a Character split cost some 37,000 instructions for a
/// `blobs/sha256/…` path, a byte split a few hundred.
func safeComponents(_ path: String) throws -> [String] {
    let utf8 = path.utf8
    var components: [String] = []
    var leaves = utf8.first == UInt8(ascii: "/")
    for part in utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) where !leaves {
        if part.count == 1, part.first == UInt8(ascii: ".") { continue }
        if part.count == 2, part.allSatisfy({ $0 == UInt8(ascii: ".") }) {
            leaves = true
        } else {
            components.append(String(Substring(part)))
        }
    }
    guard !leaves, !components.isEmpty else {
        throw ManifoldError(.invalidLayout, "path \(quoted(path)) leaves the image (absolute, or containing ..)")
    }
    return components
}

/// `oci-layout` must be `{"imageLayoutVersion": "1.0.0"}`.
func checkLayoutVersion(_ file: StoredFile) throws {
    let bytes = try file.readAll(limit: 64 << 10)
    let version: String?
    do {
        let fields = try JSONFields(try JSONParser.parse(bytes), context: "oci-layout", known: ["imageLayoutVersion"])
        version = try fields.string("imageLayoutVersion")
    } catch let error as ManifoldError {
        throw ManifoldError(.invalidLayout, "oci-layout is malformed: \(error.message)")
    }
    guard version == "1.0.0" else {
        throw ManifoldError(.invalidLayout, "oci-layout: imageLayoutVersion is \(version.map { quoted($0) } ?? "missing"), expected \"1.0.0\"")
    }
}
