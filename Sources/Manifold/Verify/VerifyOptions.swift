/// How `manifold verify` checks an image.
public struct VerifyOptions: Sendable {
    /// Verify only the platforms matching one of these (containerd normalization); all when
    /// empty.
    public var platforms: [Platform] = []
    /// Check sizes and compressed digests only: no decompression, no diff_ids.
    public var shallow = false
    /// Blobs checked at once; each uses up to three threads (read, inflate, hash) and keeps
    /// about 1.5 cores busy, so cores + 1 fills a machine.
    public var jobs = 3
    /// Blobs absent from the image are reported unverified instead of failing it (for
    /// containerd-store archives that hold only the platforms that were pulled).
    public var allowSparse = false
    public var limits = ImageLimits()
    public var gzipBackend = GzipBackend.isal
    /// Public keys a signature must verify with (`--key`): when given, the manifests
    /// `requireSignature` names each need a valid signature by one of them.
    public var keys: [VerificationKey] = []
    /// Whether a tag or digest that selects an image also selects the signatures and other
    /// artifacts index.json lists attached to it (a push walks them apart: false).
    public var followsAttachedArtifacts = true
    public var requireSignature = SignatureRequirement.top
    /// Notation trust policy and stores (`--trust-policy`, `--trust-store`): when given,
    /// Notation signatures are verified and the applicable policy's level decides whether
    /// each image's top manifest needs one.
    public var notation: NotationTrust?

    public init() {}
}
