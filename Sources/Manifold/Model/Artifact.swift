/// What a manifest that is not a platform image is: a signature, an attestation, an SBOM or
/// another artifact attached to an image (cosign's `sha256-<hex>.sig` tags and `cosign save`
/// entries, OCI 1.1 referrers, buildx attestation manifests). It is verified byte for byte
/// like any manifest, shown under what it signs or attests, and never counted as a platform.
///
/// A class, immutable: every manifest result and listing carries an optional one, and a
/// reference keeps that to one word for the many that are not artifacts (a wide image lists
/// tens of thousands).
public final class Artifact: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case signature, attestation, sbom
        /// An artifact of a type manifold does not name (a Helm chart, a WASM module…).
        case other
    }

    public let kind: Kind
    /// The manifest's `artifactType`, else its config's media type when that is not an image
    /// config's (image-spec's rule for an artifact's type).
    public let artifactType: String?
    /// The manifest it signs or attests, as its placement claims: the `subject`, the digest
    /// of a `sha256-<hex>.sig` tag, buildx's `vnd.docker.reference.digest`. Nil when nothing
    /// but its own content names it (a `cosign save` entry's signatures name it in their payload).
    public let subject: Digest?
    /// How it was recognised, for people: `subject`, `tag sha256-….sig`, `cosign save kind`…
    public let recognisedBy: String

    public init(kind: Kind, artifactType: String?, subject: Digest?, recognisedBy: String) {
        self.kind = kind
        self.artifactType = artifactType
        self.subject = subject
        self.recognisedBy = recognisedBy
    }

    /// The same artifact attached to `subject` (found after the walk for a `cosign save` entry).
    func attached(to subject: Digest) -> Artifact {
        Artifact(kind: kind, artifactType: artifactType, subject: subject, recognisedBy: recognisedBy)
    }

    public static func == (lhs: Artifact, rhs: Artifact) -> Bool {
        lhs.kind == rhs.kind && lhs.artifactType == rhs.artifactType && lhs.subject == rhs.subject && lhs.recognisedBy == rhs.recognisedBy
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(artifactType)
        hasher.combine(subject)
        hasher.combine(recognisedBy)
    }
}
