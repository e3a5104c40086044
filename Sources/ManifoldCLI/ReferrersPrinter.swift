import Manifold

/// `inspect --referrers`: per manifest of the image (its top document, then each platform),
/// the signatures, attestations, SBOMs and other artifacts attached to it, with their
/// artifact type and annotations (a layer's too: a cosign signature, a predicate type).
struct ReferrersPrinter {
    /// The image asked for (a tag or digest may have chosen it).
    let image: ResolvedImage
    /// Every artifact of the file, wherever index.json lists it: a tag chooses the image, and
    /// its signatures are other entries of the same index.json.
    let artifacts: [PlatformManifest]
    /// The manifest a `cosign save` entry's signatures belong to when nothing else names it:
    /// the file's one image (nil when it holds several).
    let soleImage: Digest?

    /// Annotation values longer than this are cut (a signature is ~100 characters, a
    /// certificate thousands): the digest is there to fetch the rest.
    static let valueLimit = 100

    var text: String {
        var targets: [(name: String, digest: Digest)] = []
        if let top = image.topDescriptor { targets.append(("\(image.reference)  \(image.topIsIndex ? "index" : "manifest")", top.digest)) }
        for manifest in image.manifests where !targets.contains(where: { $0.digest == manifest.descriptor.digest }) {
            targets.append(("\(manifest.platform?.description ?? "(no platform)")  manifest", manifest.descriptor.digest))
        }
        var lines: [String] = []
        var shown = Set<Digest>()
        for target in targets {
            let attached = artifacts.filter { subject(of: $0) == target.digest }
            lines.append("\(target.name) \(target.digest)  \(attached.isEmpty ? "no referrers" : counted(attached.count, "referrer"))")
            for artifact in attached {
                shown.insert(artifact.descriptor.digest)
                lines += describe(artifact, indent: "  ")
            }
        }
        // Signatures of signatures, attestations' signatures: under what they are attached to.
        let attachedToArtifacts = artifacts.filter { artifact in
            !shown.contains(artifact.descriptor.digest) && artifacts.contains { $0.descriptor.digest == subject(of: artifact) }
        }
        for artifact in attachedToArtifacts {
            lines.append("referrer of referrer \(subject(of: artifact).map(\.description) ?? "")")
            lines += describe(artifact, indent: "  ")
            shown.insert(artifact.descriptor.digest)
        }
        // The rest, when the whole file was asked for: attached to what it does not hold.
        if !image.reference.namesOne {
            for artifact in artifacts where !shown.contains(artifact.descriptor.digest) {
                lines.append("attached to \(subject(of: artifact).map { "\($0) (not in this image)" } ?? "an unknown manifest")")
                lines += describe(artifact, indent: "  ")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func subject(of artifact: PlatformManifest) -> Digest? {
        artifact.artifact?.subject ?? soleImage
    }

    private func describe(_ artifact: PlatformManifest, indent: String) -> [String] {
        let kind = artifact.artifact?.kind.rawValue ?? "attestation"
        var lines = ["\(indent)\(kind)  \(artifact.descriptor.digest)  \(formatBytes(UInt64(max(artifact.descriptor.size, 0))))"
                     + (artifact.artifact.map { "  (by \($0.recognisedBy))" } ?? "")]
        let detail = indent + "  "
        if let type = artifact.artifact?.artifactType ?? artifact.manifest.artifactType {
            lines.append("\(detail)artifactType: \(type)")
        }
        lines += annotations(artifact.descriptor.annotations, indent: detail, heading: "entry annotations")
        lines += annotations(artifact.manifest.annotations, indent: detail, heading: "annotations")
        for (i, layer) in artifact.manifest.layers.enumerated() {
            lines.append("\(detail)layers[\(i)]  \(layer.mediaType)  \(layer.digest.abbreviated)…  \(formatBytes(UInt64(max(layer.size, 0))))")
            lines += annotations(layer.annotations, indent: detail + "  ", heading: nil)
        }
        return lines
    }

    private func annotations(_ annotations: [String: String]?, indent: String, heading: String?) -> [String] {
        guard let annotations, !annotations.isEmpty else { return [] }
        var lines = heading.map { ["\(indent)\($0):"] } ?? []
        let inner = heading == nil ? indent : indent + "  "
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) {
            let shown = value.count > Self.valueLimit ? String(value.prefix(Self.valueLimit)) + "… (\(value.count) characters)" : value
            lines.append("\(inner)\(key): \(shown)")
        }
        return lines
    }
}
