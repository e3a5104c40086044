/// One manifest on its way into a packed index: where it came from, the platform it will
/// be listed under, and its annotations.
struct PackEntry {
    let image: PlatformManifest
    /// The position of its input.
    let input: Int
    /// Its position among every entry of every input, in the order given.
    let order: Int
    var platform: Platform?
    var annotations: [String: String]

    /// The descriptor the new index lists: the manifest's own media type, digest and size
    /// (its bytes are never rewritten), with the platform and annotations decided here.
    var descriptor: Descriptor {
        Descriptor(mediaType: image.descriptor.mediaType, digest: image.descriptor.digest, size: image.descriptor.size,
                   annotations: annotations.isEmpty ? nil : annotations, platform: platform,
                   artifactType: image.descriptor.artifactType)
    }

    /// Entries are ordered by platform, so the order inputs are given in does not change the
    /// output; attestations go last; between entries for one platform (duplicates, allowed
    /// with --allow-duplicate-platforms), the input given first comes first.
    func precedes(_ other: PackEntry) -> Bool {
        let mine = sortKey, theirs = other.sortKey
        return mine != theirs ? mine.lexicographicallyPrecedes(theirs) : order < other.order
    }

    private var sortKey: [String] {
        let p = platform?.normalized
        return [image.isAttestation ? "1" : "0", p?.os ?? "", p?.architecture ?? "", p?.variant ?? "", p?.osVersion ?? ""]
    }
}
