/// The verdict on one descriptor.
public enum VerificationStatus: String, Sendable {
    /// Every check that applies passed.
    case verified
    /// A check failed: the content is not what the descriptor says.
    case failed
    /// Nothing could be checked; ``UnverifiedReason`` says why. Never counted as verified.
    case unverified
}

/// Why a descriptor could not be verified.
public enum UnverifiedReason: String, Sendable {
    /// A foreign (non-distributable) layer absent from the image; its `urls` are never fetched.
    case foreign
    /// A blob absent from a sparse archive, accepted with `--allow-sparse`.
    case absent
    /// A digest algorithm manifold cannot compute. Fails the image: nothing vouches for the
    /// content.
    case unsupportedAlgorithm = "unsupported-algorithm"
}
