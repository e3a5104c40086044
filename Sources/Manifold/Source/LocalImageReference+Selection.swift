/// Which images of a file a reference names: one rule for verify, inspect and pack.
extension LocalImageReference {
    /// Opens the file and checks that a transport prefix, when given, says what it is.
    public func open(limits: ImageLimits) throws -> any ContentProvider {
        let source = try LocalContent.open(path, limits: limits)
        if let transport, let kind = source.kind, transport.kind != kind {
            throw ManifoldError(
                .invalidArgument,
                "\(transport.rawValue): names \(Self.article(transport.kind)), but \(path) is \(Self.article(kind)) (write \(Self.prefix(for: kind))\(path))")
        }
        return source
    }

    /// Whether an index.json entry is named: by one of its tags, by its digest, or both. A
    /// containerd image name answers as a RepoTag does (`example/app:1.0` names
    /// `docker.io/example/app:1.0`), so one tag selects the same image in both roots of a
    /// Docker 25+ save.
    func selects(_ entry: Descriptor) -> Bool {
        if let tag, !Self.tags(of: entry).contains(tag),
           !(entry.annotations?["io.containerd.image.name"].map { Self.repoTag($0, matches: tag) } ?? false) { return false }
        if let digest, entry.digest != digest { return false }
        return true
    }

    /// Whether a docker-save `manifest.json` entry is named: by one of its RepoTags, or by its
    /// image ID (the config's digest, which names the image in a docker save).
    func selects(_ entry: DockerArchiveManifest) -> Bool {
        if let tag, !entry.repoTags.contains(where: { Self.repoTag($0, matches: tag) }) { return false }
        if let digest, DockerArchiveManifest.digestNamed(by: entry.config) != digest { return false }
        return true
    }

    /// The error for a tag or digest that names nothing, listing the tags there are.
    func namesNothing(in location: String, tags: [String]) -> ManifoldError {
        let what = [tag.map { "tagged \(quoted($0))" }, digest.map { "with digest \($0)" }].compactMap { $0 }.joined(separator: " and ")
        return ManifoldError(.invalidArgument, "\(location) has no image \(what); tags: \(tags.isEmpty ? "none" : tags.joined(separator: ", "))")
    }

    /// The tags an index.json entry answers to: its ref.name, and the tag of its containerd
    /// image name (`docker.io/library/app:1.0` → `1.0`).
    static func tags(of entry: Descriptor) -> [String] {
        var tags: [String] = []
        if let name = entry.referenceName { tags.append(name) }
        if let image = entry.annotations?["io.containerd.image.name"] {
            tags.append(image)
            if let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") {
                tags.append(String(image[image.index(after: colon)...]))
            }
        }
        return tags
    }

    /// The name to show for an entry's tags: its ref.name, or else its containerd image name.
    static func shownTags(of entry: Descriptor) -> [String] {
        entry.referenceName.map { [$0] } ?? entry.annotations?["io.containerd.image.name"].map { [$0] } ?? []
    }

    /// `docker.io/library/app:1.0` answers to itself, `app:1.0`, `library/app:1.0` and `1.0`.
    static func repoTag(_ repoTag: String, matches wanted: String) -> Bool {
        if repoTag == wanted { return true }
        if let colon = repoTag.lastIndex(of: ":"), String(repoTag[repoTag.index(after: colon)...]) == wanted { return true }
        for prefix in ["docker.io/library/", "docker.io/"] where repoTag.hasPrefix(prefix) {
            if String(repoTag.dropFirst(prefix.count)) == wanted { return true }
        }
        return false
    }

    private static func article(_ kind: ImageSourceKind) -> String {
        switch kind {
        case .ociLayout: "an OCI layout directory"
        case .ociArchive: "an oci-archive"
        case .dockerArchive: "a docker-save archive"
        }
    }

    private static func prefix(for kind: ImageSourceKind) -> String {
        switch kind {
        case .ociLayout: "oci:"
        case .ociArchive: "oci-archive:"
        case .dockerArchive: "docker-archive:"
        }
    }
}
