/// What `manifold sign` does: which image, with which key, written in which form.
public struct SignOptions: Sendable {
    /// How the signature is attached to the image it signs.
    public enum Placement: String, Sendable {
        /// cosign's tag scheme: a manifest tagged `sha256-<hex>.sig` in index.json, one
        /// layer per signature (cosign ≤ 2's default, and what `cosign save` writes).
        case tag
        /// An OCI 1.1 referrer: a manifest whose `subject` is the signed manifest, of artifact
        /// type ``ImageSigner/referrerArtifactType`` (cosign's `--registry-referrers-mode=oci-1-1`).
        case referrer
    }

    /// The image to sign: a layout directory, with `:TAG` or `@DIGEST` when it holds several.
    public var image: LocalImageReference
    public var key: SigningKey
    /// The payload's `critical.identity.docker-reference`: the repository the image is
    /// known as (cosign's `--sign-container-identity`). Nil: the layout directory's name.
    public var identity: String?
    public var placement: Placement = .tag
    /// An oci-archive: where the signed archive goes instead of over the original (`--output`).
    public var output: String?
    /// Whether ``output`` may replace a file there (`--force`).
    public var force = false
    public var limits = ImageLimits()

    public init(image: LocalImageReference, key: SigningKey) {
        self.image = image
        self.key = key
    }
}
