/// What verification found for one descriptor (or one `manifest.json` path) of an image.
public struct DescriptorResult: Sendable {
    public enum Kind: String, Sendable {
        case index, manifest, config, layer
        /// A blob of a media type manifold does not descend into (checked by digest and size).
        case blob
    }

    /// Where it is, from the root: `["index.json", "manifests[1] (linux/arm64)", "layers[3]"]`.
    public var path: [String]
    public var kind: Kind
    public var mediaType: String?
    public var digest: Digest?
    /// The declared size, when a descriptor declares one.
    public var size: Int64?
    /// The platform of the manifest this belongs to.
    public var platform: Platform?
    public var status: VerificationStatus = .verified
    public var reason: UnverifiedReason?
    public var problems: [Problem] = []
    /// Facts worth showing that are not failures ("not descended: unknown media type").
    public var notes: [String] = []
    /// For an index or manifest met again: the path where it first appeared, where its
    /// children are reported (each document is walked once, however often it is listed).
    public var sameAs: [String]?
    /// The tags of an image named by index.json (`org.opencontainers.image.ref.name`) or by
    /// a docker-save `manifest.json` entry (its RepoTags).
    public var tags: [String] = []
    /// For a signature, attestation or other artifact manifest (and its config and layers):
    /// what it is and what it is attached to. Such a manifest is not a platform.
    public var artifact: Artifact?

    /// The path joined for people: `index.json › manifests[1] (linux/arm64) › layers[3]`.
    public var pathString: String { path.joined(separator: " › ") }

    /// Records a failure.
    mutating func fail(_ problem: Problem) {
        problems.append(problem)
        status = .failed
    }
}
