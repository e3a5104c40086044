/// How `manifold push` and `copy` publish an image: verify's checks (``VerifyOptions``:
/// `--platform`, `--jobs`, limits) applied to the bytes as they are sent, and the tags the
/// top document is written under, last.
public struct PushOptions: Sendable {
    /// The checks, as verify makes them; `shallow` and `allowSparse` are refused: a push
    /// publishes only what it checked in full.
    public var verify = VerifyOptions()
    /// The tags the pushed image gets, in order; empty pushes it by digest only.
    public var tags: [String] = []
    /// Read and check (digest, size, diff_id) the blobs the destination holds already or
    /// mounts, as verify would, though none of their bytes is sent. Off, they are not read:
    /// the result says which (``BlobEvent/read``) and the report's checks of them rest on
    /// their digests alone.
    public var verifyPresent = false
    /// `--compress gzip|zstd`: a Docker ≤ 24 save's uncompressed layers are sent compressed
    /// (config and diff_ids unchanged; the manifest names the new digests). Layers stored
    /// compressed, and images with manifests of their own, are sent as they are.
    public var compress: Compression?
    /// `--compress-level`: the level ``compress`` uses; nil for ``StreamCompressor``'s default.
    public var compressLevel: Int?
    /// What earlier `--compress` pushes sent each layer as, so that a layer the destination
    /// holds in that form is neither compressed nor sent again; nil: always compress.
    public var compressedLayers: CompressedLayerCache?
    /// Whether the image's signatures and other attached artifacts (its cosign `.sig`,
    /// `.att` and `.sbom` tags, its referrers) go with it; false: `--remove-signatures`.
    public var carriesSignatures = true

    public init() {}

    /// Refuses what cannot be pushed before anything is read.
    public func validate() throws {
        if verify.shallow {
            throw ManifoldError(.invalidArgument, "a push checks every layer in full; --shallow does not apply")
        }
        if verify.allowSparse {
            throw ManifoldError(.invalidArgument, "a push sends every blob; --allow-sparse does not apply")
        }
        if compress == .plain {
            throw ManifoldError(.invalidArgument, "--compress is gzip or zstd")
        }
        if let compressLevel {
            guard let compress, let levels = StreamCompressor.levels(of: compress), levels.contains(compressLevel) else {
                throw ManifoldError(.invalidArgument, "--compress-level \(compressLevel) does not apply to --compress \(compress?.rawValue ?? "(none)")")
            }
        }
        for tag in tags { try ImageTag.validate(tag, what: "the tag") }
    }
}
