/// Referrers an OCI layout holds with no index.json entry: `cosign save` of cosign v3 and
/// `oras copy -r` may leave a signature's manifest in `blobs/` only, found by its `subject`.
extension ImageWalker {
    /// The name of the pseudo-root they are listed under in reports.
    static let unlistedReferrersRoot = "blobs/ (referrers no index.json entry lists)"

    /// A referrer manifest is a few hundred bytes; a blob larger than this is not read to
    /// find out whether it is one.
    static let referrerCandidateLimit = 64 * 1024

    /// Manifests among `paths` (blobs the walk did not reach) whose `subject` is one of
    /// `subjects`, each walked as an entry of its own (its config and layers verified as any
    /// manifest's) under ``unlistedReferrersRoot``, in path order. Returns how many.
    mutating func walkUnlistedReferrers<Visitor: ImageGraphVisitor>(paths: [String], subjects: Set<Digest>,
                                                                     _ visitor: inout Visitor) throws -> Int {
        var found: [Descriptor] = []
        for path in paths.sorted() {
            let parts = path.split(separator: "/")
            guard parts.count == 3, parts[0] == "blobs", let digest = try? Digest(parsing: "\(parts[1]):\(parts[2])"),
                  digest.isVerifiable,
                  let file = try? source.blob(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: 0)),
                  file.size <= UInt64(Self.referrerCandidateLimit)
            else { continue }
            var descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(file.size))
            // Only a look at what it is: walked as a manifest, it is read again through the
            // walk's reader, which checks its digest before anything of it is trusted.
            guard let bytes = try? file.readAll(limit: Self.referrerCandidateLimit), bytes.first == UInt8(ascii: "{"),
                  let json = try? JSONParser.parse(bytes),
                  let manifest = try? ImageManifest(json: json, declaredMediaType: nil),
                  let subject = manifest.subject, subjects.contains(subject.digest)
            else { continue }
            descriptor.mediaType = manifest.mediaType ?? MediaType.ociManifest
            descriptor.artifactType = manifest.artifactType
            found.append(descriptor)
        }
        if !found.isEmpty { try visitor.visitUnlistedReferrersRoot(path: [Self.unlistedReferrersRoot]) }
        for (i, descriptor) in found.enumerated() {
            let entry = GraphEntry(path: [Self.unlistedReferrersRoot, "\(descriptor.digest.abbreviated)…"], descriptor: descriptor,
                                   depth: 1, position: i, isRootEntry: false)
            guard try admit(entry.path, owner: entry.path, &visitor) else { break }
            try visit(entry, &visitor)
        }
        return found.count
    }
}
