// https://github.com/opencontainers/image-spec/blob/main/media-types.md
// https://github.com/distribution/distribution/blob/main/docs/content/spec/manifest-v2-2.md

/// The media types manifold knows, OCI and Docker, as documented constants.
public enum MediaType {
    /// OCI image index: a list of manifests, usually one per platform.
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// OCI image manifest: one config and its layers.
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image config.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// OCI layer, plain tar.
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// OCI layer, gzip.
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// OCI layer, zstd.
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    /// OCI non-distributable layers (deprecated in image-spec 1.1, still met in the wild).
    public static let ociLayerNondistributable = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    public static let ociLayerNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    public static let ociLayerNondistributableZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
    /// The OCI empty descriptor's content, `{}`.
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"

    /// Docker manifest list: Docker's image index.
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker image manifest, schema 2.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker image config.
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    /// Docker layer, gzip.
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker foreign layer (Windows base layers), fetched from its `urls`.
    public static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    /// Docker schema 1 manifests: unsupported.
    public static let dockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    public static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }
    public static func isManifest(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }
    public static func isImageConfig(_ type: String) -> Bool { type == ociConfig || type == dockerConfig }
    public static func isSchema1(_ type: String) -> Bool { type == dockerSchema1Manifest || type == dockerSchema1SignedManifest }

    /// For a layer media type, the compression it declares; nil when it is not a layer type.
    public static func layerCompression(_ type: String) -> Compression? {
        switch type {
        case ociLayer, ociLayerNondistributable, "application/vnd.docker.image.rootfs.diff.tar": .plain
        case ociLayerGzip, ociLayerNondistributableGzip, dockerLayerGzip, dockerForeignLayerGzip: .gzip
        case ociLayerZstd, ociLayerNondistributableZstd: .zstd
        default: nil
        }
    }

    /// Layers that registries may not carry and that are instead fetched from their `urls`.
    public static func isForeignLayer(_ type: String) -> Bool {
        type == dockerForeignLayerGzip || type.hasPrefix("application/vnd.oci.image.layer.nondistributable.")
    }
}
