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
    /// directory there is an error.
    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        try file(at: descriptor.digest.layoutPath)
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
func safeComponents(_ path: String) throws -> [String] {
    let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    guard !path.hasPrefix("/"), !components.contains(".."), !components.isEmpty else {
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
