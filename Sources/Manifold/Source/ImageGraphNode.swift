/// One descriptor of an image's graph as `inspect --tree` draws it: the entries below the top
/// document, in the order they are listed, each index or manifest walked once and every
/// later listing of it a reference to its first place.
public struct ImageGraphNode: Sendable {
    public enum Kind: String, Sendable {
        case index, manifest
        /// A manifest absent from a sparse archive: left out.
        case absent
        /// A media type that is not an index or a manifest: left out.
        case other
    }

    /// Where it is, from the root: `["index.json", "manifests[0]", "manifests[1] (linux/arm64)"]`.
    public let path: [String]
    /// How far below the top document it is (0: listed by the top).
    public let depth: Int
    public let descriptor: Descriptor
    public let kind: Kind
    /// For index.json's and manifest.json's entries: the tags they carry.
    public var tags: [String] = []
    /// For a document listed again: the path of its first listing, where its children are.
    public var sameAs: [String]?
    /// For a manifest's first listing: its image.
    public var image: PlatformManifest?
    /// A buildx attestation manifest (or a listing of one), shown apart.
    public var isAttestation = false

    /// The path joined for people: `index.json › manifests[0] › manifests[1]`.
    public var pathString: String { path.joined(separator: " › ") }
}
