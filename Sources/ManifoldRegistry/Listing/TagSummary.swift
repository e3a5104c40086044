import Manifold

/// One tag of a repository as `manifold ls` shows it (`az acr manifest list-metadata` for
/// any registry): what the tag points at, for which platforms, how big, and when built.
public struct TagSummary: Sendable, Hashable {
    public let tag: String
    /// The digest of the manifest or index the tag names, computed over its bytes.
    public let digest: Digest
    public let mediaType: String
    /// `os/architecture[/variant]` of each image, in the index's order (attestations left out).
    public let platforms: [String]
    /// Bytes of the distinct configs and layers of every platform, as their descriptors state
    /// them (compressed): what a pull of every platform transfers, documents aside.
    public let size: UInt64
    /// The `created` of the first platform's config, as written there, if any.
    public let created: String?

    public init(tag: String, digest: Digest, mediaType: String, platforms: [String], size: UInt64, created: String?) {
        self.tag = tag
        self.digest = digest
        self.mediaType = mediaType
        self.platforms = platforms
        self.size = size
        self.created = created
    }
}
