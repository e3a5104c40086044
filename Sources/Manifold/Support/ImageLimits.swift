/// Every bound manifold puts on what an image may ask of it, with the defaults peers use.
/// Each is a flag on the commands that read images.
public struct ImageLimits: Sendable, Hashable {
    /// Largest index, manifest or config document read, in bytes (default 4 MiB).
    public var documentSize: Int = 4 << 20
    /// Largest docker-save `manifest.json`, in bytes (default 1 MiB).
    public var dockerManifestSize: Int = 1 << 20
    /// How deep indexes may nest inside indexes (default 8).
    public var indexDepth: Int = 8
    /// How many members a tar archive may have (default 100,000).
    public var tarEntries: Int = 100_000
    /// How many descriptors one command may visit in an image, repeats included (default
    /// 10,000): a graph whose indexes list each other many times stops here.
    public var descriptors: Int = 10_000
    /// zstd window and decompressed-size bounds for layers.
    public var decompression = DecompressionLimits()

    public init() {}
}
