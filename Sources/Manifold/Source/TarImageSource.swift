/// An image inside a tar: an oci-archive or a `docker save` archive, read in place.
///
/// The tar's headers are indexed once; each file is then a region of the tar read with
/// `pread`, so several blobs of one archive can be verified in parallel without extracting.
struct TarImageSource: ContentProvider {
    let location: String
    let index: TarIndex
    /// `.ociArchive` or `.dockerArchive`.
    let format: ImageSourceKind
    var kind: ImageSourceKind? { format }

    /// Symlink hops followed before a chain is called a loop.
    static let maxLinkHops = 16

    init(path: String, index: TarIndex) throws {
        location = path
        self.index = index
        if index.entry("manifest.json") != nil {
            format = .dockerArchive
        } else if index.entry("index.json") != nil || index.entry("oci-layout") != nil {
            format = .ociArchive
        } else {
            throw ManifoldError(.unsupportedFormat, "\(path) is a tar, but neither a docker-save archive (no manifest.json) nor an oci-archive (no index.json)")
        }
        if let layout = try lookup("oci-layout", followLinks: false) {
            try checkLayoutVersion(layout)
        } else if format == .ociArchive {
            throw ManifoldError(.invalidLayout, "oci-archive without an oci-layout file")
        }
    }

    /// docker-save paths may be symbolic links (Docker ≤ 24 links duplicate layers): they are
    /// followed, but only within the archive.
    func file(at path: String) throws -> StoredFile? {
        try lookup(path, followLinks: true)
    }

    /// A docker save has `manifest.json`, and an `index.json` too from Docker 25 on; an
    /// oci-archive has `index.json`.
    func roots() throws -> [ContentRoot] {
        [ContentRoot.index, .dockerManifest].filter { index.entry($0.name) != nil }
    }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        try file(at: root.name)?.readAll(limit: limit)
    }

    /// Blobs must be regular members, as in a layout directory.
    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        try lookup(descriptor.digest.layoutPath, followLinks: false)
    }

    func blobPaths() throws -> [String]? {
        index.entries.filter { $0.name.hasPrefix("blobs/") && $0.name.split(separator: "/").count == 3 && $0.kind != .directory }.map(\.name)
    }

    private func lookup(_ path: String, followLinks: Bool) throws -> StoredFile? {
        var name = try safeComponents(path).joined(separator: "/")
        var hops = 0
        while true {
            try checkParents(of: name)
            guard let entry = index.entry(name) else { return nil }
            switch entry.kind {
            case .regular:
                return StoredFile(
                    path: path, size: entry.size,
                    input: .region(of: index.file, offset: entry.offset, length: entry.size, name: path),
                    identity: "tar:\(entry.offset)")
            case .symlink, .hardLink:
                guard followLinks else {
                    throw ManifoldError(.invalidLayout, "\(name) is a \(entry.kind == .symlink ? "symbolic" : "hard") link; blobs must be regular files")
                }
                hops += 1
                guard hops <= Self.maxLinkHops else {
                    throw ManifoldError(.invalidLayout, "\(path): more than \(Self.maxLinkHops) links (a link loop)")
                }
                name = try resolve(entry, from: name)
            case .directory:
                throw ManifoldError(.invalidLayout, "\(name) is a directory, not a file")
            case .other(let type):
                throw ManifoldError(.invalidLayout, "\(name) is a tar member of type \(quoted(String(UnicodeScalar(type)))), not a regular file")
            }
        }
    }

    /// A member's parent directories must not be links or files. An extractor follows a
    /// `blobs/sha256` symlink (to wherever it points) where manifold would find no member:
    /// refused, in the same words as a layout directory whose `blobs/sha256` is a symlink.
    private func checkParents(of name: String) throws {
        var parent = Substring(name)
        while let slash = parent.lastIndex(of: "/") {
            parent = parent[..<slash]
            guard let entry = index.entry(String(parent)) else { continue }
            switch entry.kind {
            case .directory: continue
            case .symlink, .hardLink:
                throw ManifoldError(.invalidLayout, "\(parent) is a \(entry.kind == .symlink ? "symbolic" : "hard") link; image layouts must hold real files and directories")
            case .regular, .other:
                throw ManifoldError(.invalidLayout, "\(parent) is not a directory")
            }
        }
    }

    /// The member a link names: symlinks are relative to the link's directory, hard links to
    /// the archive root. Either must stay inside the archive.
    private func resolve(_ link: TarEntry, from name: String) throws -> String {
        let target = link.linkName
        guard !target.hasPrefix("/") else {
            throw ManifoldError(.invalidLayout, "\(name) links to the absolute path \(quoted(target)), outside the archive")
        }
        var parts = link.kind == .symlink ? Array(name.split(separator: "/").dropLast().map(String.init)) : []
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else {
                    throw ManifoldError(.invalidLayout, "\(name) links to \(quoted(target)), outside the archive")
                }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        guard !parts.isEmpty else {
            throw ManifoldError(.invalidLayout, "\(name) links to \(quoted(target)), which names no file")
        }
        return parts.joined(separator: "/")
    }
}
