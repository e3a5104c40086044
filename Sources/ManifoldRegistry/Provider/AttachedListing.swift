/// What a ``RegistryContentProvider``'s synthesized index lists beside the image: nothing,
/// what is attached to the image's top manifest (or index), or that and what is attached to
/// each manifest its index lists (`cosign sign --recursive` signs every platform).
public enum AttachedListing: Sendable, Equatable {
    case none
    /// The `.sig` tag and referrers of the top document: `verify --key` and a trust policy.
    case top
    /// Those of the top document and of each platform manifest: `--require-signature
    /// every-platform`, and what `copy` carries.
    case everyPlatform
}
