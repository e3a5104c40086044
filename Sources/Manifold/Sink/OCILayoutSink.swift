// https://github.com/opencontainers/image-spec/blob/main/image-layout.md

/// An OCI image layout as a ``ContentSink``: every blob and document at
/// `blobs/<algorithm>/<encoded>`, the roots in `index.json`, and `oci-layout`, written through
/// a ``LayoutFileSink`` (a directory, or an oci-archive tar).
///
/// Directories are written before the first file in them; `index.json` and `oci-layout` last,
/// at ``commit()``. So content put in digest order gives a tar sorted by path.
final class OCILayoutSink: ContentSink {
    private let files: any LayoutFileSink
    private var directories: Set<String> = []
    private var stored: Set<Digest> = []
    private var roots: [Descriptor] = []
    private var rootsWritten = false

    init(_ files: any LayoutFileSink) {
        self.files = files
    }

    func putBlob(_ descriptor: Descriptor, from body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        guard !stored.contains(descriptor.digest) else { return }
        let path = try blobPath(descriptor)
        try files.file(path, size: UInt64(max(descriptor.size, 0)), body: body)
        stored.insert(descriptor.digest)
    }

    /// In a layout a document is a blob like any other.
    func putDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws {
        try putBlob(descriptor, bytes: bytes)
    }

    func setTag(_ tag: String?, for descriptor: Descriptor) throws {
        var root = descriptor
        if let tag {
            root.annotations = (root.annotations ?? [:]).merging([Self.refName: tag]) { _, tag in tag }
        }
        roots.append(root)
    }

    func commit() throws {
        try writeRoots()
        try files.commit()
    }

    /// `index.json` and `oci-layout`, the last files; once only.
    func writeRoots() throws {
        guard !rootsWritten else { return }
        try files.file("index.json", bytes: JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: roots).json))
        try files.file("oci-layout", bytes: JSONWriter().bytes(.object(JSONObject([("imageLayoutVersion", .string("1.0.0"))]))))
        rootsWritten = true
    }

    /// Puts the blob `descriptor` names into a tar as a member whose body is written later
    /// (``TarSink/write(_:at:)``) and returns the body's offset, or nil when the blob is
    /// there already. Only a tar has offsets.
    func reserveBlob(_ descriptor: Descriptor, in tar: TarSink) throws -> UInt64? {
        guard files === tar else { throw ManifoldError(.internalFailure, "a blob reserved outside a tar") }
        guard !stored.contains(descriptor.digest) else { return nil }
        let offset = try tar.reserve(try blobPath(descriptor), size: UInt64(max(descriptor.size, 0)))
        stored.insert(descriptor.digest)
        return offset
    }

    func abort() {
        files.abort()
    }

    /// Places `source` as the blob `descriptor` names by reflink or hard link instead of a
    /// copy: only into a directory, and only when the filesystem allows it. Returns how, or
    /// nil when it cannot (the caller then puts the blob). The caller has verified `source`.
    func link(_ descriptor: Descriptor, to source: StoredFile) throws -> LinkMethod? {
        guard !stored.contains(descriptor.digest) else { return nil }
        let method: LinkMethod?
        if let directory = files as? DirectorySink {
            method = try directory.link(try blobPath(descriptor), to: source)
        } else if let existing = files as? ExistingLayoutSink {
            method = try existing.link(try blobPath(descriptor), to: source)
        } else {
            return nil
        }
        guard let method else { return nil }
        stored.insert(descriptor.digest)
        return method
    }

    static let refName = "org.opencontainers.image.ref.name"

    /// `blobs/<algorithm>/<encoded>`, its directories written first.
    private func blobPath(_ descriptor: Descriptor) throws -> String {
        let path = descriptor.digest.layoutPath
        let parts = path.split(separator: "/")
        for depth in 1..<parts.count {
            let directory = parts[..<depth].joined(separator: "/")
            if directories.insert(directory).inserted { try files.directory(directory) }
        }
        return path
    }
}
