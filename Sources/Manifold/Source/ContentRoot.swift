/// A document at the top of an image source, that lists its images: not named by a digest,
/// so nothing above it vouches for it.
public struct ContentRoot: Hashable, Sendable, CustomStringConvertible {
    /// Its name, as paths in reports begin: `index.json`, `manifest.json`.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    /// An OCI image index listing the images, tags in `org.opencontainers.image.ref.name`
    /// (an OCI layout's `index.json`).
    public static let index = ContentRoot("index.json")
    /// A `docker save` archive's `manifest.json`: `[{Config, RepoTags, Layers}]`, its configs
    /// and layers named by paths (``ContentProvider/file(at:)``).
    public static let dockerManifest = ContentRoot("manifest.json")

    public var description: String { name }
}
