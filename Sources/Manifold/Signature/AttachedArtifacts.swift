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
    static let cosignSavedSuffixes = ["dev.cosignproject.cosign/sigs": ".sig", "dev.cosignproject.cosign/atts": ".att"]

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
    /// not: notation and oras lay referrers out under any tag, or none). A
    /// referrer is only looked at here: whoever walks it reads it again through a reader
    /// that checks its digest before anything of it is trusted.
    static func positions(attachedTo digests: Set<Digest>, in entries: [Descriptor], source: any ContentProvider) -> [Int] {
        guard !digests.isEmpty else { return [] }
        let tags = Set(digests.flatMap { digest in cosignSuffixes.map { cosignTag(digest, suffix: $0) } })
        // `cosign save` names nothing: its signatures are attached to the content it marks
        // as the image (its one image, or index).
        let saved = Set(digests.flatMap { digest in cosignSavedAttachments(of: digest, in: entries).map(\.position) })
        var found: [Int] = []
        for (i, entry) in entries.enumerated() where !digests.contains(entry.digest) {
            if let name = entry.referenceName, tags.contains(name) {
                found.append(i)
            } else if saved.contains(i) {
                found.append(i)
            } else if MediaType.isManifest(entry.mediaType), entry.size <= Int64(ImageWalker.referrerCandidateLimit),
                      let bytes = try? source.document(entry, limit: ImageWalker.referrerCandidateLimit),
                      let json = try? JSONParser.parse(bytes),
                      let manifest = try? ImageManifest(json: json, declaredMediaType: entry.mediaType),
                      let subject = manifest.subject, digests.contains(subject.digest) {
                found.append(i)
            }
        }
        return found
    }

    /// The digest an attached entry names as what it is attached to: its cosign tag's
    /// (`sha256-<hex>.sig`), else its manifest's `subject` (`manifest`, as the walk read
    /// it); nil for one `cosign save` lists by its `kind` alone (attached to the saved image).
    static func target(of entry: Descriptor, manifest: ImageManifest?) -> Digest? {
        if let name = entry.referenceName, let suffix = cosignSuffixes.first(where: name.hasSuffix) {
            let stem = name.dropLast(suffix.count)
            if let dash = stem.firstIndex(of: "-"),
               let digest = try? Digest(parsing: "\(stem[..<dash]):\(stem[stem.index(after: dash)...])") {
                return digest
            }
        }
        return manifest?.subject?.digest
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
