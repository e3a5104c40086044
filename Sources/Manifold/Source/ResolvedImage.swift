/// An image opened for `inspect` and `pack`: its top document — what `docker manifest
/// inspect` would show — and each platform's manifest and config, every document checked
/// against its descriptor before it is decoded.
///
/// Threading: the blocking `open` returns when every document is read; the async `open`
/// (ResolvedImage+Concurrency) reads off the executor and is cancellable.
public struct ResolvedImage: Sendable {
    public let reference: LocalImageReference
    public let source: any ContentProvider
    /// The top document's descriptor; nil when the top is `index.json` itself (a layout
    /// whose index.json lists the platforms directly).
    public let topDescriptor: Descriptor?
    public let topBytes: [UInt8]
    /// The tags index.json gives the top document, when it lists it.
    public let topTags: [String]
    /// True when the top is an index (or manifest list); false for a single manifest.
    public let topIsIndex: Bool
    /// The platform images, in the order their index lists them, attestations excluded.
    public let manifests: [PlatformManifest]
    /// buildx attestation manifests (`unknown/unknown`), shown apart and never selected.
    public let attestations: [PlatformManifest]
    /// What was left out and why (manifests absent from a sparse archive).
    public let notes: [String]
    /// The graph below the top document, each index and manifest once, repeats as references.
    public let nodes: [ImageGraphNode]
    /// How many images: 1, or the distinct images index.json (or a docker save's
    /// manifest.json) lists when no tag or digest chose one.
    public let images: Int

    /// Opens `reference`, choosing its tagged image, and reads every platform's manifest and
    /// config.
    public static func open(_ reference: LocalImageReference, limits: ImageLimits = ImageLimits()) throws -> ResolvedImage {
        try open(try reference.open(limits: limits), reference: reference, limits: limits)
    }

    /// Reads the image a content provider holds, as ``open(_:limits:)`` reads a file:
    /// `reference`'s tag or digest chooses among its roots' images; its path names the
    /// image in messages (default: the provider's location).
    public static func open(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                            limits: ImageLimits = ImageLimits()) throws -> ResolvedImage {
        var reader = ImageResolver(source: source, reference: reference ?? LocalImageReference(path: source.location), limits: limits)
        return try reader.resolve()
    }

    init(reference: LocalImageReference, source: any ContentProvider, topDescriptor: Descriptor?, topTags: [String], topBytes: [UInt8],
         topIsIndex: Bool, manifests: [PlatformManifest], attestations: [PlatformManifest], notes: [String],
         nodes: [ImageGraphNode], images: Int) {
        self.reference = reference
        self.source = source
        self.topDescriptor = topDescriptor
        self.topTags = topTags
        self.topBytes = topBytes
        self.topIsIndex = topIsIndex
        self.manifests = manifests
        self.attestations = attestations
        self.notes = notes
        self.nodes = nodes
        self.images = images
    }
}
