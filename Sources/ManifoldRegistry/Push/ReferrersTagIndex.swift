// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests-with-subject

import Manifold

/// The distribution spec's fallback for a registry without the referrers API: an OCI index
/// tagged `sha256-<hex>` after the subject's digest, listing a descriptor of each manifest
/// whose `subject` it is. A client that pushes a referrer to such a registry keeps it: fetch
/// the index (or start an empty one), add the referrer's descriptor, put it back. cosign,
/// oras and regctl write and read the same tag, and `verify docker://` reads it.
enum ReferrersTagIndex {
    /// The subject and the descriptor the index lists for a referrer: its media type,
    /// digest and size, its `artifactType` (else its config's media type) and its
    /// annotations, as the spec says the referrers API would answer. Nil for a document
    /// without a `subject`.
    static func entry(for descriptor: Descriptor, bytes: [UInt8]) -> (subject: Digest, entry: Descriptor)? {
        guard bytes.count <= ImageLimits().documentSize, let json = try? JSONParser.parse(bytes) else { return nil }
        var entry = Descriptor(mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size)
        if MediaType.isIndex(descriptor.mediaType) {
            guard let index = try? ImageIndex(json: json, declaredMediaType: descriptor.mediaType), let subject = index.subject else { return nil }
            entry.artifactType = index.artifactType
            entry.annotations = index.annotations
            return (subject.digest, entry)
        }
        guard let manifest = try? ImageManifest(json: json, declaredMediaType: descriptor.mediaType), let subject = manifest.subject else { return nil }
        entry.artifactType = manifest.artifactType ?? manifest.config.mediaType
        entry.annotations = manifest.annotations
        return (subject.digest, entry)
    }

    /// The tag of the index for `subject`: `<alg>-<hex>`, truncated as the spec says.
    static func tag(for subject: Digest) -> String {
        String("\(subject.algorithm.rawValue)-\(subject.encoded)".prefix(128))
    }

    /// The index to put: `existing` (the tag's document, when there is one) with `entry`
    /// added, or nil when it lists that digest already. Entries already there are kept as
    /// they are; a tag holding something other than an index is an error, never replaced.
    static func adding(_ entry: Descriptor, to existing: (bytes: [UInt8], mediaType: String)?, tag: String) throws -> [UInt8]? {
        var index = ImageIndex(mediaType: MediaType.ociIndex, manifests: [])
        if let existing {
            do {
                index = try ImageIndex(json: try JSONParser.parse(existing.bytes), declaredMediaType: existing.mediaType)
            } catch {
                throw ManifoldError(.invalidDocument, "tag \(tag) (the referrers tag schema's index) holds something else than an OCI index: \((error as? ManifoldError)?.message ?? "\(error)"); not replaced")
            }
            if index.manifests.contains(where: { $0.digest == entry.digest }) { return nil }
        }
        index.manifests.append(entry)
        index.mediaType = MediaType.ociIndex
        return JSONWriter(sortKeys: false).bytes(index.json)
    }
}
