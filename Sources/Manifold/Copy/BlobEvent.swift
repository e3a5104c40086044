/// What a push or copy did with one blob: sent it, had it mounted, or found it there.
public struct BlobEvent: Sendable, Hashable {
    public let digest: Digest
    /// The blob's size.
    public let size: UInt64
    public let placement: BlobPlacement
    /// Bytes sent to the destination for it: its size when uploaded, else 0.
    public let bytesSent: UInt64
    /// Whether its bytes were read here, and so checked (digest, size, diff_id). An uploaded
    /// blob always is; one the destination held or mounted is not, unless
    /// ``PushOptions/verifyPresent`` asked (or the walk had to read it anyway).
    public let read: Bool

    /// `read` defaults to whether it was uploaded.
    public init(digest: Digest, size: UInt64, placement: BlobPlacement, bytesSent: UInt64, read: Bool? = nil) {
        self.digest = digest
        self.size = size
        self.placement = placement
        self.bytesSent = bytesSent
        self.read = read ?? (placement == .uploaded)
    }
}
