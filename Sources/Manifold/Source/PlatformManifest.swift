/// One platform's image: its manifest, exactly as stored (or, for a `docker save` of Docker
/// ≤ 24, which stores none, as synthesized), and its config.
public struct PlatformManifest: Sendable {
    /// The descriptor of the manifest, with the platform the image's index gave it, if any.
    public var descriptor: Descriptor
    /// The manifest: its bytes (never rewritten, so its digest is preserved) beside its value.
    public let document: Document<ImageManifest>
    /// The image config, when the manifest's config is one (artifacts' are not).
    public let configDocument: Document<ImageConfig>?

    public var bytes: [UInt8] { document.bytes }
    public var manifest: ImageManifest { document.value }
    public var configBytes: [UInt8]? { configDocument?.bytes }
    public var config: ImageConfig? { configDocument?.value }
    /// The platform: the config's fields, completed by the index entry's (configs often omit
    /// the variant).
    public var platform: Platform?
    /// True when the manifest was made by manifold from a docker-save `manifest.json`.
    public let synthesized: Bool
    /// For a synthesized manifest, where each layer's bytes are (docker-save paths).
    let layerFiles: [StoredFile]?
    let configFile: StoredFile?
    /// Where the image came from, for messages.
    public let origin: String
    /// The image it was read from, to find its blobs.
    let source: any ContentProvider
    /// What the walk found wrong with the image that inspect shows and pack refuses: its
    /// config's diff_ids do not pair with its layers, its index entry claims another
    /// platform than its config.
    var conflicts: [String] = []

    /// A blob of this image's source, or nil when absent.
    func sourceBlob(_ descriptor: Descriptor) throws -> StoredFile? {
        try source.blob(descriptor)
    }

    /// For a signature, attestation or other artifact attached to an image: what it is and
    /// what it is attached to (``ImageGraphRules/artifact(entry:manifest:)``).
    public var artifact: Artifact?

    /// Whether this is not a platform image but attached to one: a buildx attestation
    /// manifest (`unknown/unknown`), a cosign signature, an OCI 1.1 referrer. Never selected
    /// by --platform, never counted as a platform; pack carries it along with its image.
    public var isAttestation: Bool { artifact != nil || (platform?.isAttestation ?? false) }
}

/// The platform from a config, completed by an index entry's platform where the config is
/// silent. Nothing either says is dropped.
func mergedPlatform(config: ImageConfig?, entry: Platform?) -> Platform? {
    guard let configPlatform = config?.platform else { return entry }
    guard let entry else { return configPlatform }
    var merged = configPlatform
    if merged.variant == nil { merged.variant = entry.variant }
    if merged.osVersion == nil { merged.osVersion = entry.osVersion }
    if merged.osFeatures == nil { merged.osFeatures = entry.osFeatures }
    if merged.features == nil { merged.features = entry.features }
    return merged
}
