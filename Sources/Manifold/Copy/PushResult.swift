/// What a push or copy did: verify's report of the source, and — only when it passed — what
/// the destination now holds.
public struct PushResult: Sendable {
    /// The same report `verify` gives of the source. When it did not pass, no manifest and
    /// no tag was written (blobs sent before the failure may remain, unreferenced).
    public let report: VerificationReport
    /// The top document written (a rewritten index when `--platform` left platforms out);
    /// nil when the report did not pass.
    public let top: Descriptor?
    /// The tags written, in order, each after every document below it.
    public let tags: [String]
    /// Indexes rewritten to list only the platforms `--platform` kept: (source's, written).
    public let rewritten: [(from: Descriptor, to: Descriptor)]
    /// The platforms `--platform` left out, each once.
    public let dropped: [String]
    /// Every blob (layers and configs), by digest order: sent, mounted or present.
    public let blobs: [BlobEvent]
    /// Manifests and indexes written, and those the destination had already.
    public let manifestsWritten: Int
    public let manifestsPresent: Int
    public let seconds: Double
    /// What the push did that the reader should know (layers compressed, or left as stored).
    public var notes: [String] = []
    /// The artifacts attached to the image that were pushed with it (signatures first as
    /// the source lists them): each one's manifest and the cosign tag it got, if any.
    public internal(set) var attached: [(manifest: Descriptor, tag: String?)] = []
    /// What is attached to the source's image but was not pushed, as its index.json lists
    /// it: what it signs is not at the destination (an index `--platform` rewrote to a new
    /// digest, a platform it left out).
    public internal(set) var leftBehind: [Descriptor] = []

    /// Bytes sent for blobs.
    public var bytesSent: UInt64 { blobs.map(\.bytesSent).saturatingSum() }

    /// How many blobs went each way.
    public func count(_ placement: BlobPlacement) -> Int { blobs.filter { $0.placement == placement }.count }
}
