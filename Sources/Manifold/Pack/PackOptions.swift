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

    public var inputs: [LocalImageReference]
    /// A path, or `-` for an oci-archive on standard output.
    public var output: String
    /// nil: `tar` when the output's name ends in `.tar` (any case) or is `-`, otherwise `dir`.
    public var format: Format?
    /// The `org.opencontainers.image.ref.name` of the index in index.json; with `flat`, of
    /// the one platform entry, or `TAG-os-arch[-variant]` for each of several.
    public var tag = "latest"
    /// An OCI index by default: skopeo (1.9) and umoci find a tag in index.json only on an
    /// OCI index or manifest entry, so a Docker manifest list there would be invisible to them.
    public var indexType: IndexType = .oci
    /// List the platform manifests directly in index.json, with no index blob.
    public var flat = false
    /// Keep only entries matching one of these (containerd normalization); all when empty.
    public var platforms: [Platform] = []
    public var overrides: [PlatformOverride] = []
    public var annotations: [EntryAnnotation] = []
    /// Annotations on the index itself (buildx's `index:`).
    public var indexAnnotations: [String: String] = [:]
    /// Annotations on the index's entry in index.json (buildx's `index-descriptor:`).
    public var indexDescriptorAnnotations: [String: String] = [:]
    public var allowDuplicatePlatforms = false
    /// Accept overrides that contradict the config.
    public var forcePlatform = false
    /// Replace an existing output.
    public var force = false
    /// For a directory output: reflink or hard-link verified blobs from layout inputs.
    public var link = false
    public var limits = ImageLimits()

    public init(inputs: [LocalImageReference], output: String) {
        self.inputs = inputs
        self.output = output
    }

    /// Whether the output is standard output.
    public var isStandardOutput: Bool { output == "-" }

    /// The format asked for, or the one the output's name implies.
    public var resolvedFormat: Format {
        format ?? (isStandardOutput || output.lowercased().hasSuffix(".tar") ? .tar : .dir)
    }

    /// Refuses combinations that cannot do what they say, before anything is read or written.
    public func validate() throws {
        guard !inputs.isEmpty else { throw ManifoldError(.invalidArgument, "nothing to pack: give at least one input") }
        try ImageTag.validate(tag, what: "--tag")
        let lowered = output.lowercased()
        if let compressed = [".tar.gz", ".tgz", ".tar.zst", ".tar.zstd", ".tar.xz", ".tar.bz2"].first(where: lowered.hasSuffix) {
            throw ManifoldError(.invalidArgument, "\(quoted(output)): pack writes an uncompressed oci-archive, not a \(compressed) file; name it .tar, or compress it afterwards")
        }
        if isStandardOutput && format == .dir {
            throw ManifoldError(.invalidArgument, "-o - writes an oci-archive to standard output; a directory (--format dir) cannot go there")
        }
        if link && resolvedFormat == .tar {
            throw ManifoldError(.invalidArgument, "--link places blobs in a directory output; \(isStandardOutput ? "standard output" : quoted(output)) is an oci-archive (tar)")
        }
        if flat && !indexDescriptorAnnotations.isEmpty {
            throw ManifoldError(.invalidArgument, "index-descriptor annotations need the index entry that --flat leaves out")
        }
    }
}
