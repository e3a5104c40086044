/// Bounds on what a compressed stream may ask of the decompressor.
public struct DecompressionLimits: Sendable, Hashable {
    /// The largest zstd window a frame may ask for, in bytes. The decoder allocates the
    /// window, so this bounds its memory. Default 128 MiB (zstd's own default limit).
    public var zstdWindowLimit: Int

    /// The most bytes one stream may decompress to, or nil for no limit. Guards against
    /// decompression bombs.
    public var outputLimit: UInt64?

    public static let defaultZstdWindowLimit = 128 << 20

    public init(zstdWindowLimit: Int = DecompressionLimits.defaultZstdWindowLimit, outputLimit: UInt64? = nil) {
        self.zstdWindowLimit = zstdWindowLimit
        self.outputLimit = outputLimit
    }
}
