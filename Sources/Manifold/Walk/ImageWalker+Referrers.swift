/// Referrers an OCI layout holds with no index.json entry: `cosign save` of cosign v3 and
/// `oras copy -r` may leave a signature's manifest in `blobs/` only, found by its `subject`.
extension ImageWalker {
    /// The name of the pseudo-root they are listed under in reports.
    static let unlistedReferrersRoot = "blobs/ (referrers no index.json entry lists)"

    /// A referrer manifest is a few hundred bytes; a blob larger than this is not read to
    /// find out whether it is one.
    static let referrerCandidateLimit = 64 * 1024

    /// Manifests among `paths` (blobs the walk did not reach) whose `subject` is one of
    /// `subjects` — or one of these in turn (a signature of an attestation found here) — each
    /// walked as an entry of its own (its config and layers verified as any manifest's) under
    /// ``unlistedReferrersRoot``, each after what it refers to. Returns how many.
    mutating func walkUnlistedReferrers<Visitor: ImageGraphVisitor>(paths: [String], subjects: Set<Digest>,
                                                                     _ visitor: inout Visitor) throws -> Int {
        let found = Self.unlistedReferrers(among: paths, subjects: subjects, in: source)
        if !found.isEmpty { try visitor.visitUnlistedReferrersRoot(path: [Self.unlistedReferrersRoot]) }
        for (i, descriptor) in found.enumerated() {
            let entry = GraphEntry(path: [Self.unlistedReferrersRoot, "\(descriptor.digest.abbreviated)…"], descriptor: descriptor,
                                   depth: 1, position: i, isRootEntry: false)
            guard try admit(entry.path, owner: entry.path, &visitor) else { break }
            try visit(entry, &visitor)
        }
        return found.count
    }

    /// The manifests among `paths` (`blobs/<algorithm>/<encoded>`) whose `subject` is one of
    /// `subjects`, or one of those found so (a referrer of a referrer), as descriptors with
    /// their media and artifact types: each after what it refers to, in path order otherwise.
    /// Each blob is only looked at (its first byte, then at most ``referrerCandidateLimit``
    /// bytes): whoever walks what is found reads it again through a reader that checks its
    /// digest before anything of it is trusted.
    static func unlistedReferrers(among paths: [String], subjects: Set<Digest>, in source: any ContentProvider) -> [Descriptor] {
        var candidates: [(descriptor: Descriptor, subject: Digest)] = []
        for path in paths.sorted() {
            let parts = path.split(separator: "/")
            guard parts.count == 3, parts[0] == "blobs", let digest = try? Digest(parsing: "\(parts[1]):\(parts[2])"),
                  digest.isVerifiable,
                  let file = try? source.blob(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: 0)),
                  file.size <= UInt64(referrerCandidateLimit),
                  // A layer is not read past its first byte.
                  (try? file.prefix(1)) == [UInt8(ascii: "{")],
                  let bytes = try? file.readAll(limit: referrerCandidateLimit),
                  let json = try? JSONParser.parse(bytes),
                  let manifest = try? ImageManifest(json: json, declaredMediaType: nil),
                  let subject = manifest.subject
            else { continue }
            var descriptor = Descriptor(mediaType: manifest.mediaType ?? MediaType.ociManifest, digest: digest, size: Int64(file.size))
            descriptor.artifactType = manifest.artifactType
            candidates.append((descriptor, subject.digest))
        }
        var found: [Descriptor] = []
        var reached = subjects
        var level = candidates.filter { reached.contains($0.subject) }
        while !level.isEmpty {
            found += level.map(\.descriptor)
            reached.formUnion(level.map(\.descriptor.digest))
            level = candidates.filter { candidate in
                reached.contains(candidate.subject) && !reached.contains(candidate.descriptor.digest)
            }
        }
        return found
    }
}
