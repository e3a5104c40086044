/// Which manifests are artifacts (signatures, attestations, SBOMs) rather than platform
/// images: one rule for verify, inspect and pack.
extension ImageGraphRules {
    /// cosign: the signature payload layer, and the annotation holding the signature.
    static let cosignSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json"
    static let cosignSignatureAnnotation = "dev.cosignproject.cosign/signature"
    /// `cosign save --dir`: the annotation naming what each index.json entry is.
    static let cosignKindAnnotation = "kind"
    /// buildx: an attestation manifest inside an image index, and the manifest it attests.
    static let dockerReferenceType = "vnd.docker.reference.type"
    static let dockerReferenceDigest = "vnd.docker.reference.digest"

    /// What the manifest listed by `entry` is when it is not a platform image, or nil when it
    /// is one. Signals, strongest first: an explicit label on the listing (buildx's
    /// reference type, `cosign save`'s kind), a `subject`, a cosign `sha256-<hex>.sig|att|sbom`
    /// tag, then the content (an `artifactType`, a config that is not an image config, cosign
    /// or in-toto layers).
    static func artifact(entry: Descriptor, manifest: ImageManifest) -> Artifact? {
        let annotations = entry.annotations ?? [:]
        let type = manifest.artifactType ?? (isImageConfigType(manifest.config.mediaType) ? nil : manifest.config.mediaType)
        let contentKind = kind(type: type, layers: manifest.layers)
        let tag = cosignTag(entry.referenceName)

        if annotations[dockerReferenceType] == "attestation-manifest" {
            let subject = annotations[dockerReferenceDigest].flatMap { try? Digest(parsing: $0) }
            return Artifact(kind: .attestation, artifactType: type, subject: subject ?? manifest.subject?.digest,
                            recognisedBy: "buildx attestation-manifest")
        }
        switch annotations[cosignKindAnnotation] {
        case "dev.cosignproject.cosign/image", "dev.cosignproject.cosign/imageIndex":
            return nil
        case "dev.cosignproject.cosign/sigs":
            return Artifact(kind: .signature, artifactType: type, subject: manifest.subject?.digest ?? tag?.subject,
                            recognisedBy: "cosign save kind")
        case "dev.cosignproject.cosign/atts":
            return Artifact(kind: .attestation, artifactType: type, subject: manifest.subject?.digest ?? tag?.subject,
                            recognisedBy: "cosign save kind")
        case "dev.cosignproject.cosign/sboms":
            return Artifact(kind: .sbom, artifactType: type, subject: manifest.subject?.digest ?? tag?.subject,
                            recognisedBy: "cosign save kind")
        default:
            break
        }
        // A Sigstore bundle signs an image only with cosign's signing predicate; with any
        // other it is an attestation (cosign v3 names it in an annotation).
        var kind = contentKind
        if kind == .signature, let predicate = manifest.annotations?["dev.sigstore.bundle.predicateType"],
           predicate != InTotoStatement.cosignSignPredicate {
            kind = .attestation
        }
        if let subject = manifest.subject {
            return Artifact(kind: kind ?? tag?.kind ?? .other, artifactType: type, subject: subject.digest, recognisedBy: "subject")
        }
        if let tag {
            return Artifact(kind: kind ?? tag.kind, artifactType: type, subject: tag.subject,
                            recognisedBy: "tag \(entry.referenceName ?? "")")
        }
        if type != nil || kind != nil {
            return Artifact(kind: kind ?? .other, artifactType: type, subject: nil, recognisedBy: "artifact type")
        }
        return nil
    }

    private static func isImageConfigType(_ type: String) -> Bool { MediaType.isImageConfig(type) }

    /// The kind its type or layers say, or nil when they say nothing. Asked of every manifest
    /// of every image: nothing is allocated on the way (a wide image has tens of thousands).
    private static func kind(type: String?, layers: [Descriptor]) -> Artifact.Kind? {
        func any(_ test: (String) -> Bool) -> Bool {
            (type.map(test) ?? false) || layers.contains { test($0.mediaType) }
        }
        // An image's layers are tar media types: most manifests end here.
        if type == nil, layers.allSatisfy({ $0.mediaType.hasPrefix("application/vnd.oci.image.layer.") || $0.mediaType.hasPrefix("application/vnd.docker.image.rootfs.") }) {
            return nil
        }
        if any({ $0 == cosignSimpleSigning || $0.hasPrefix(SigstoreBundle.mediaTypePrefix) || $0 == "application/vnd.cncf.notary.signature" }) {
            return .signature
        }
        if any({ $0 == "application/vnd.dsse.envelope.v1+json" || $0.hasPrefix("application/vnd.in-toto") }) {
            return .attestation
        }
        if any({ $0.contains("spdx") || $0.contains("cyclonedx") || $0.contains("syft") }) {
            return .sbom
        }
        return nil
    }

    /// cosign's tag scheme: `sha256-<64 hex>.sig` (`.att`, `.sbom`) for the manifest
    /// `sha256:<hex>`; the tag may follow a repository (`repo:sha256-….sig`).
    static func cosignTag(_ name: String?) -> (kind: Artifact.Kind, subject: Digest)? {
        guard let name else { return nil }
        let tag = name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
        let kinds: [(String, Artifact.Kind)] = [(".sig", .signature), (".att", .attestation), (".sbom", .sbom)]
        guard tag.hasPrefix("sha256-"), let (suffix, kind) = kinds.first(where: { tag.hasSuffix($0.0) }) else { return nil }
        let hex = tag.dropFirst("sha256-".count).dropLast(suffix.count)
        guard hex.count == 64, let digest = try? Digest(parsing: "sha256:\(hex)") else { return nil }
        return (kind, digest)
    }
}
