/// One manifest on its way into a packed index: where it came from, the platform it will
/// be listed under, and its annotations.
struct PackEntry {
    let image: PlatformManifest
    /// The position of its input.
    let input: Int
    var platform: Platform?
    var annotations: [String: String]

    /// The descriptor the new index lists: the manifest's own media type, digest and size
    /// (its bytes are never rewritten), with the platform and annotations decided here.
    var descriptor: Descriptor {
        Descriptor(mediaType: image.descriptor.mediaType, digest: image.descriptor.digest, size: image.descriptor.size,
                   annotations: annotations.isEmpty ? nil : annotations, platform: platform,
                   artifactType: image.descriptor.artifactType)
    }

    /// Sort key: entries are ordered by platform, so the order inputs are given in does not
    /// change the output; attestations go last.
    var sortKey: [String] {
        let p = platform?.normalized
        return [image.isAttestation ? "1" : "0", p?.os ?? "", p?.architecture ?? "", p?.variant ?? "",
                p?.osVersion ?? "", image.descriptor.digest.description]
    }
}
