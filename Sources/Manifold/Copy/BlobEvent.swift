/// What a push or copy did with one blob: sent it, had it mounted, or found it there.
public struct BlobEvent: Sendable, Hashable {
    public let digest: Digest
    /// The blob's size.
    public let size: UInt64
    public let placement: BlobPlacement
    /// Bytes sent to the destination for it: its size when uploaded, else 0.
    public let bytesSent: UInt64

    public init(digest: Digest, size: UInt64, placement: BlobPlacement, bytesSent: UInt64) {
        self.digest = digest
        self.size = size
        self.placement = placement
        self.bytesSent = bytesSent
    }
}
