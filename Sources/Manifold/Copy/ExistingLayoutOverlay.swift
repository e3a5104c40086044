/// The source of a pull into an OCI layout that exists already: the source's roots, and each
/// document and blob from the layout when it holds that digest already — at the descriptor's
/// size and hashing to its digest (read in full here, before it is used) — else from the
/// source. So a pull into an existing layout downloads only what the layout lacks, and
/// verify's checks (diff_ids included) still read every byte of the image, the layout's
/// bytes among them. A blob of the layout that is not what its name says is read from the
/// source instead, and replaced.
struct ExistingLayoutOverlay: ContentProvider {
    let source: any ContentProvider
    let layout: any ContentProvider
    /// The digests taken from the layout.
    let reused = Locked(Set<Digest>())

    var location: String { source.location }
    var kind: ImageSourceKind? { source.kind }

    func roots() throws -> [ContentRoot] { try source.roots() }
    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? { try source.root(root, limit: limit) }
    func file(at path: String) throws -> StoredFile? { try source.file(at: path) }
    func blobPaths() throws -> [String]? { try source.blobPaths() }

    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        if descriptor.size >= 0, Int(descriptor.size) <= limit, let present = try present(descriptor),
           let bytes = try? present.readAll(limit: limit),
           (try? DigestHasher.digest(of: bytes, algorithm: descriptor.digest.algorithm)) == descriptor.digest {
            reused.withLock { _ = $0.insert(descriptor.digest) }
            return bytes
        }
        return try source.document(descriptor, limit: limit)
    }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        if let present = try present(descriptor),
           let hashed = try? BlobTransfer.copy(present.input, limit: present.size, algorithm: descriptor.digest.algorithm, into: { _ in }),
           hashed.bytes == present.size, hashed.digest == descriptor.digest {
            reused.withLock { _ = $0.insert(descriptor.digest) }
            return present
        }
        return try source.blob(descriptor)
    }

    /// The layout's blob of that name and the descriptor's size; nil otherwise, and for
    /// anything that cannot be read (the source then has the say).
    private func present(_ descriptor: Descriptor) throws -> StoredFile? {
        guard descriptor.size >= 0, descriptor.digest.isVerifiable,
              let file = try? layout.blob(descriptor), file.size == UInt64(descriptor.size) else { return nil }
        return file
    }
}
