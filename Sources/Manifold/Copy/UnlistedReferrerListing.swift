/// The source of a push or copy of an OCI layout or oci-archive whose `blobs/` holds
/// referrers its index.json does not list (cosign v3 `save`, `oras copy -r`, an entry
/// removed by hand): its index.json as stored, with an entry appended for each such
/// referrer (media type, digest, size, artifact type; no name). Verify finds them by their
/// `subject` in blobs/; so a push or copy, which carries what index.json lists attached to
/// the image, carries them too instead of leaving a signature behind.
///
/// A referrer of a referrer (a signature of an attestation) is listed too. Only manifests
/// whose subject is an image index.json lists, one of its platforms, or such a referrer are
/// added: a manifest referring to nothing here stays unlisted. Everything else is the
/// source's, untouched; what is listed is read and verified by the walk like any entry.
/// `inspect --referrers` lists a layout's referrers through it too.
package struct UnlistedReferrerListing: ContentProvider {
    package let source: any ContentProvider
    /// index.json with the referrers appended; nil when there are none (or no index.json
    /// to add them to): the source's own then.
    private let index: [UInt8]?
    /// How many entries were appended.
    package let added: Int

    package var location: String { source.location }
    package var kind: ImageSourceKind? { source.kind }

    /// `source` as it is when it is not a layout or oci-archive, or holds no unlisted referrer.
    package init(_ source: any ContentProvider, limits: ImageLimits) {
        self.source = source
        guard source.kind == .ociLayout || source.kind == .ociArchive,
              let bytes = try? source.root(.index, limit: limits.documentSize),
              case .object(var object)? = try? JSONParser.parse(bytes),
              let at = object.members.firstIndex(where: { $0.key == "manifests" }),
              case .array(let listed) = object.members[at].value,
              let stored = try? ImageIndex(json: .object(object), declaredMediaType: nil),
              let paths = try? source.blobPaths()
        else {
            index = nil
            added = 0
            return
        }
        let subjects = Self.reachable(from: stored.manifests, in: source, limits: limits)
        let reached = Set(subjects.map(\.layoutPath))
        let found = ImageWalker.unlistedReferrers(among: paths.filter { !reached.contains($0) }, subjects: subjects, in: source)
        guard !found.isEmpty else {
            self.index = nil
            added = 0
            return
        }
        object.members[at].value = .array(listed + found.map(\.json))
        self.index = JSONWriter(sortKeys: false).bytes(.object(object))
        added = found.count
    }

    /// The digests of `entries` and, through the indexes among them, of every index and
    /// manifest they list, down to the depth limit: what a referrer may refer to. Only
    /// looked at: the walk reads each again through a reader that checks its digest.
    private static func reachable(from entries: [Descriptor], in source: any ContentProvider, limits: ImageLimits) -> Set<Digest> {
        var digests = Set<Digest>()
        var level = entries
        var depth = 0
        while !level.isEmpty, depth < limits.indexDepth {
            depth += 1
            var next: [Descriptor] = []
            for entry in level where digests.insert(entry.digest).inserted && MediaType.isIndex(entry.mediaType) {
                guard let bytes = try? source.document(entry, limit: limits.documentSize),
                      let json = try? JSONParser.parse(bytes),
                      let index = try? ImageIndex(json: json, declaredMediaType: entry.mediaType) else { continue }
                next += index.manifests.filter { MediaType.isIndex($0.mediaType) || MediaType.isManifest($0.mediaType) }
            }
            level = next
        }
        return digests
    }

    package func roots() throws -> [ContentRoot] { try source.roots() }

    package func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        guard root == .index, let index else { return try source.root(root, limit: limit) }
        guard index.count <= limit else {
            throw ManifoldError(.limitExceeded, "index.json with the referrers blobs/ holds is \(index.count) bytes, above the \(limit)-byte limit for documents")
        }
        return index
    }

    package func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? { try source.document(descriptor, limit: limit) }
    package func blob(_ descriptor: Descriptor) throws -> StoredFile? { try source.blob(descriptor) }
    package func file(at path: String) throws -> StoredFile? { try source.file(at: path) }
    package func blobPaths() throws -> [String]? { try source.blobPaths() }
}
