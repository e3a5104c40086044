/// What an index.json lists besides its images: cosign's `sha256-<hex>.sig`, `.att` and
/// `.sbom` tags and OCI referrers (an entry with an artifact type). Sign, push and copy find
/// an image's signatures by it; the verify walk selects them with their image.
enum AttachedArtifacts {
    static let cosignSuffixes = [".sig", ".att", ".sbom"]

    /// cosign's tag for what is attached to `digest` (`sha256-<hex>.sig`).
    static func cosignTag(_ digest: Digest, suffix: String) -> String {
        "\(digest.algorithm.rawValue)-\(digest.encoded)\(suffix)"
    }

    /// The `kind` annotations `cosign save` puts on the entries of the signed content itself.
    static let cosignImageKinds: Set<String> = ["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/imageIndex"]

    /// Whether an index.json entry is an artifact, not an image: a cosign tag, a referrer,
    /// or what `cosign save` marks as signatures or attestations.

    static func isArtifactEntry(_ entry: Descriptor) -> Bool {
        if entry.artifactType != nil { return true }
        if let name = entry.referenceName, name.hasPrefix("sha256-"), cosignSuffixes.contains(where: { name.hasSuffix($0) }) { return true }
        // cosign save marks the signed content itself `image` or `imageIndex`; every other
        // kind (sigs, atts, sboms) is attached to it.
        return entry.annotations?["kind"].map { !cosignImageKinds.contains($0) } ?? false
    }

    /// The tag suffix cosign gives what `cosign save` marks with each `kind`.
    static let cosignSavedSuffixes = ["dev.cosignproject.cosign/sigs": ".sig", "dev.cosignproject.cosign/atts": ".att",
                                      "dev.cosignproject.cosign/sboms": ".sbom"]

    /// `cosign save --dir` lays out one image with its signatures and attestations, told apart
    /// by `kind` alone (no tag, no subject): when `top` is that image, those entries are its,
    /// under the tag cosign gives them in a registry.
    static func cosignSavedAttachments(of top: Digest, in entries: [Descriptor]) -> [(position: Int, tag: String)] {
        let images = entries.filter { entry in entry.annotations?["kind"].map { cosignImageKinds.contains($0) } ?? false }
        guard images.count == 1, images[0].digest == top else { return [] }
        return entries.enumerated().compactMap { position, entry in
            guard entry.referenceName == nil, let suffix = cosignSavedSuffixes[entry.annotations?["kind"] ?? ""] else { return nil }
            return (position, cosignTag(top, suffix: suffix))
        }
    }

    /// The positions of `entries` attached to one of `digests`: named by cosign's tag scheme
    /// after it, or a referrer whose `subject` it is (with an artifact type in its entry or
    /// not: notation and oras lay referrers out under any tag, or none) — and, in turn, what
    /// is attached to those (a signature of an attestation, `cosign sign` of a referrer), so
    /// that nothing verify would check with the image is left behind by what carries it.
    /// In that order: each entry after what it is attached to. A referrer is only looked at
    /// here: whoever walks it reads it again through a reader that checks its digest before
    /// anything of it is trusted.
    static func positions(attachedTo digests: Set<Digest>, in entries: [Descriptor], source: any ContentProvider) -> [Int] {
        guard !digests.isEmpty else { return [] }
        // `cosign save` names nothing: its signatures are attached to the content it marks
        // as the image (its one image, or index).
        let saved = Set(digests.flatMap { digest in cosignSavedAttachments(of: digest, in: entries).map(\.position) })
        // What each entry names as what it is attached to, each read once.
        var targets: [Int: Set<Digest>] = [:]
        for (i, entry) in entries.enumerated() where !digests.contains(entry.digest) && !saved.contains(i) {
            var named = Set<Digest>()
            if let tagged = cosignTagTarget(entry.referenceName) { named.insert(tagged) }
            if MediaType.isManifest(entry.mediaType), entry.size <= Int64(ImageWalker.referrerCandidateLimit),
               let bytes = try? source.document(entry, limit: ImageWalker.referrerCandidateLimit),
               let json = try? JSONParser.parse(bytes),
               let manifest = try? ImageManifest(json: json, declaredMediaType: entry.mediaType),
               let subject = manifest.subject {
                named.insert(subject.digest)
            }
            if !named.isEmpty { targets[i] = named }
        }
        var found: [Int] = []
        var taken = saved
        var reached = digests
        var level = entries.indices.filter { saved.contains($0) || !(targets[$0]?.isDisjoint(with: digests) ?? true) }
        while !level.isEmpty {
            found += level
            taken.formUnion(level)
            reached.formUnion(level.map { entries[$0].digest })
            level = entries.indices.filter { !taken.contains($0) && !(targets[$0]?.isDisjoint(with: reached) ?? true) }
        }
        return found
    }

    /// The digest a cosign tag (`sha256-<hex>.sig`, `.att`, `.sbom`) names; nil for any other name.
    static func cosignTagTarget(_ name: String?) -> Digest? {
        ImageGraphRules.cosignTag(name)?.subject
    }

    /// The digest an attached entry names as what it is attached to: its cosign tag's
    /// (`sha256-<hex>.sig`), else its manifest's `subject` (`manifest`, as the walk read
    /// it); nil for one `cosign save` lists by its `kind` alone (attached to the saved image).
    static func target(of entry: Descriptor, manifest: ImageManifest?) -> Digest? {
        cosignTagTarget(entry.referenceName) ?? manifest?.subject?.digest
    }

    /// `entries`' digests and, for each that is an index, the digests of the manifests it
    /// lists: what a signature may be attached to when every platform is signed (`cosign
    /// sign --recursive`). The index is only looked at here: whoever walks or copies its
    /// manifests reads them through a reader that checks their digests.
    static func digestsWithPlatforms(_ entries: [Descriptor], source: any ContentProvider, limits: ImageLimits) -> Set<Digest> {
        var digests = Set(entries.map(\.digest))
        for entry in entries where MediaType.isIndex(entry.mediaType) {
            guard let bytes = try? source.document(entry, limit: limits.documentSize),
                  let json = try? JSONParser.parse(bytes),
                  let index = try? ImageIndex(json: json, declaredMediaType: entry.mediaType) else { continue }
            for child in index.manifests where MediaType.isManifest(child.mediaType) { digests.insert(child.digest) }
        }
        return digests
    }

    /// `reference`, or, when it names no tag or digest, the one image index.json lists once
    /// the artifacts are set aside, by digest (a signed layout is pushed or signed again
    /// without naming its image). Unchanged when there is no such one image.
    static func selectingTheImage(_ reference: LocalImageReference, in source: any ContentProvider, limits: ImageLimits) -> LocalImageReference {
        guard reference.tag == nil, reference.digest == nil,
              let bytes = try? source.root(.index, limit: limits.documentSize),
              let json = try? JSONParser.parse(bytes),
              let index = try? ImageIndex(json: json, declaredMediaType: nil) else { return reference }
        let images = Set(index.manifests.filter { !isArtifactEntry($0) }.map(\.digest))
        guard images.count == 1, images.count < index.manifests.count, let only = images.first else { return reference }
        var chosen = reference
        chosen.digest = only
        return chosen
    }
}
