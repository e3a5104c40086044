/// How a blob came to be at a destination that can hold it without being sent: it was there
/// already, or the registry linked it from another repository (a cross-repository mount).
public enum BlobPlacement: String, Sendable, Hashable {
    /// Sent: every byte went to the destination.
    case uploaded
    /// Linked from another repository of the same registry: no byte sent.
    case mounted
    /// The destination had it already: no byte read or sent.
    case present
}
