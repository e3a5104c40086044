/// What `pull` did: verify's report of the source, and — only when it passed — what was written.
public struct PullResult: Sendable {
    /// The same report `verify` gives of the source (the same results, the same words).
    public let report: VerificationReport
    /// The output, once committed; nil when the report did not pass (nothing was written).
    public let output: String?
    public let format: PullOptions.Format
    /// index.json's entries of the images as written (a rewritten index in place of a
    /// filtered one).
    public let roots: [Descriptor]
    /// index.json's entries of what is attached to them, written with them (signatures,
    /// attestations, SBOMs under cosign's `sha256-<hex>.sig`/`.att`/`.sbom` tags; referrers
    /// with their artifact type), in the order the source lists them.
    public var attached: [Descriptor] = []
    /// Attached manifests the source lists that were not written: what they sign is not in
    /// the output (an index `--platform` rewrote, which they do not sign; a platform it left
    /// out).
    public var leftBehind: [Descriptor] = []
    /// Indexes rewritten to list only the platforms `--platform` kept: (source's, written).
    public let rewritten: [(from: Descriptor, to: Descriptor)]
    /// The platforms `--platform` left out, each once.
    public let dropped: [String]
    /// Blobs (documents included) in the output, and their bytes.
    public let blobCount: Int
    public let byteCount: UInt64
    /// Blobs hard-linked from the staging directory into a directory output.
    public let linked: Int
    /// The output was an OCI layout already, added to in place (not replaced).
    public let addedTo: Bool
    /// Blobs (documents included) of the image the layout held already: read from it, kept.
    public let reused: Int
    public let seconds: Double
    /// Blobs taken (checked again) from what an interrupted pull of the same output had
    /// staged, instead of fetched.
    public var recovered = 0
}
