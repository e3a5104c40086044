/// The check that a Docker 25+ `docker save` names one image per tag in both of its roots.
///
/// Such a save holds `manifest.json` (read by classic `docker load`) and an OCI layout's
/// `index.json` (read by the containerd image store, and by skopeo's `oci-archive:`). If the
/// two give one tag different images, which image a user gets depends on the daemon's
/// storage driver: the archive is ambiguous, whatever each root verifies to on its own.
///
/// A tag is matched by the `io.containerd.image.name` annotation of an index.json entry
/// (Docker writes the full name, `docker.io/library/app:1.0`) against `manifest.json`'s
/// `RepoTags` (`app:1.0`). The two agree when the manifest.json entry's config — the image
/// ID — is the config of the index entry's manifest, or of one of its platforms' when the
/// entry is an index. Work is bounded by the distinct documents: each is read once.
struct DockerSaveAgreement {
    /// One tag whose two roots name different images.
    struct Disagreement: Equatable {
        /// Where in manifest.json the tag is, as a result path.
        let path: [String]
        let message: String
    }

    let source: any ContentProvider
    let limits: ImageLimits

    /// The tags the two roots disagree on. Roots that cannot be read or decoded give none:
    /// the walk of each root reports those problems itself.
    func disagreements() throws -> [Disagreement] {
        let roots = try source.roots()
        // Read as the walk reads them, with a reader of its own: what this check reads is
        // not counted as the walk's.
        var walker = ImageWalker(source: source, limits: limits, reference: LocalImageReference(path: source.location))
        guard roots.contains(.dockerManifest), roots.contains(.index),
              case .read(_, let entries) = walker.readDockerRoot(),
              case .read(_, let index) = walker.readIndexRoot()
        else { return [] }

        // index.json walked once, when a tag is to be compared, its configs noted per entry.
        var reachable: ReachableConfigs?
        var found: [Disagreement] = []
        for (i, entry) in index.manifests.enumerated() {
            guard let name = entry.annotations?["io.containerd.image.name"] else { continue }
            for (j, saved) in entries.enumerated() {
                for tag in saved.repoTags where LocalImageReference.repoTag(name, matches: tag) {
                    guard let savedConfig = try configDigest(saved.config) else { continue }
                    if reachable == nil {
                        var visitor = ReachableConfigs()
                        try? walker.walkIndexRoot(&visitor)
                        reachable = visitor
                    }
                    let configs = reachable?.below(["index.json", ImageGraphRules.entryLabel(entry, at: i)]) ?? []
                    // Nothing readable under the entry: the index.json walk reports why.
                    guard !configs.isEmpty, !configs.contains(savedConfig) else { continue }
                    let listed = configs.map(\.abbreviated).sorted().map { "\($0)…" }.joined(separator: ", ")
                    found.append(Disagreement(
                        path: ["manifest.json", "[\(j)] (\(tag))"],
                        message: "manifest.json and index.json name different images for \(quoted(tag)): manifest.json [\(j)] has config \(savedConfig.abbreviated)…, index.json manifests[\(i)] (\(name)) is \(entry.digest.abbreviated)… with config \(listed); docker load and the containerd image store would load different images"))
                }
            }
        }
        return found
    }

    /// The digest of a manifest.json `Config`: the one its name states (the walk checks the
    /// content against it), or, for a name that states none, the digest of its content — a
    /// name must not be a way around this check. Nil when it is not in the archive.
    private func configDigest(_ path: String) throws -> Digest? {
        if let named = DockerArchiveManifest.digestNamed(by: path) { return named }
        guard let file = try? source.file(at: path), let bytes = try? file.readAll(limit: limits.documentSize) else { return nil }
        return try DigestHasher.digest(of: bytes)
    }
}
