/// Which manifests `verify --key` requires a valid signature on.
public enum SignatureRequirement: String, Sendable, CaseIterable {
    /// Each image's top manifest or index (what a tag names, what `cosign sign` signs).
    case top
    /// The top one and every platform manifest below it, each signed in its own right.
    case everyPlatform = "every-platform"
}
