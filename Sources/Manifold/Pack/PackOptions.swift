/// What `manifold pack` makes, from what.
public struct PackOptions: Sendable {
    /// The output's container.
    public enum Format: String, Sendable, CaseIterable {
        /// An OCI layout directory.
        case dir
        /// An oci-archive: the layout as one tar.
        case tar
    }

    /// The top document's type.
    public enum IndexType: String, Sendable, CaseIterable {
        case oci
        case docker
    }

    public var inputs: [ImageReference]
    public var output: String
    /// nil: `tar` when the output's name ends in `.tar`, otherwise `dir`.
    public var format: Format?
    /// The `org.opencontainers.image.ref.name` of the index in index.json.
    public var tag = "latest"
    /// nil: a Docker manifest list when every child is a Docker manifest, else an OCI index.
    public var indexType: IndexType?
    /// List the platform manifests directly in index.json, with no index blob.
    public var flat = false
    /// Keep only entries matching one of these (containerd normalization); all when empty.
    public var platforms: [Platform] = []
    public var overrides: [PlatformOverride] = []
    public var annotations: [EntryAnnotation] = []
    /// Annotations on the index itself.
    public var indexAnnotations: [String: String] = [:]
    public var allowDuplicatePlatforms = false
    /// Accept overrides that contradict the config.
    public var forcePlatform = false
    /// Replace an existing output.
    public var force = false
    /// For a directory output: reflink or hard-link verified blobs from layout inputs.
    public var link = false
    public var limits = ImageLimits()

    public init(inputs: [ImageReference], output: String) {
        self.inputs = inputs
        self.output = output
    }

    /// The format asked for, or the one the output's name implies.
    public var resolvedFormat: Format {
        format ?? (output.hasSuffix(".tar") ? .tar : .dir)
    }
}
