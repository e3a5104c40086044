/// What a ``RegistryContentProvider``'s synthesized index lists beside the image: nothing,
/// what is attached to the image's top manifest (or index), or that and what is attached to
/// each manifest its index lists (`cosign sign --recursive` signs every platform).
public enum AttachedListing: Sendable, Equatable {
    case none
    /// The `.sig` tag and referrers of the top document: `verify --key` and a trust policy.
    case top
    /// Those of the top document and of each platform manifest: `--require-signature
    /// every-platform`.
    case everyPlatform
    /// What `copy` and `pull` carry: what ``everyPlatform`` lists, and cosign's `.att`
    /// (attestations) and `.sbom` tags of each of those manifests as well, which verify
    /// does not check but a copy must not lose.
    case carried

    /// Whether each platform manifest of an index is asked about, not only the top document.
    var coversEveryPlatform: Bool { self == .everyPlatform || self == .carried }

    /// The suffixes of cosign's tag scheme (`sha256-<hex>.sig`…) looked up for each manifest.
    var cosignTagSuffixes: [String] {
        switch self {
        case .none: []
        case .top, .everyPlatform: [".sig"]
        case .carried: [".sig", ".att", ".sbom"]
        }
    }
}
