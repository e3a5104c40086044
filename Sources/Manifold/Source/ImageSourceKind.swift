/// The three containers an image arrives in.
public enum ImageSourceKind: String, Sendable, CaseIterable {
    /// An OCI image layout directory: `oci-layout`, `index.json`, `blobs/<alg>/<encoded>`.
    case ociLayout = "oci-layout"
    /// An OCI image layout inside a tar (`skopeo copy … oci-archive:`, `buildah push oci-archive:`).
    case ociArchive = "oci-archive"
    /// A `docker save` tar, any generation: `manifest.json`, and for Docker 25+ and the
    /// containerd store an OCI layout beside it.
    case dockerArchive = "docker-archive"
}
