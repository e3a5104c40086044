import ArgumentParser
import Manifold

/// `--max-zstd-window` and `--max-layer-size`: the decompression limits, shared by `digest`
/// and, through ``ImageLimitOptions``, by every command that reads images.
struct DecompressionLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-zstd-window"), help: ArgumentHelp(
        "Largest zstd window a layer may ask for (default: \(ByteCount(UInt64(DecompressionLimits.defaultZstdWindowLimit)))).", valueName: "size"),
        transform: byteCountFlag)
    var zstdWindow = ByteCount(UInt64(DecompressionLimits.defaultZstdWindowLimit))

    @Option(name: .customLong("max-layer-size"), help: ArgumentHelp("Most one layer may decompress to (default: no limit).", valueName: "size"),
            transform: byteCountFlag)
    var layerSize: ByteCount?

    func validate() throws {
        guard zstdWindow.bytes >= 1024 else { throw ValidationError("--max-zstd-window must be at least 1024") }
    }

    var limits: DecompressionLimits {
        DecompressionLimits(zstdWindowLimit: zstdWindow.int, outputLimit: layerSize?.bytes)
    }
}
