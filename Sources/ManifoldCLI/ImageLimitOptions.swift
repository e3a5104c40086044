import ArgumentParser
import Manifold

/// The limits every command that reads images shares (`--max-document-size` …).
struct ImageLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-document-size"), help: ArgumentHelp(
        "Largest index, manifest or config (default: \(ByteCount(UInt64(ImageLimits().documentSize)))).", valueName: "size"),
        transform: byteCountFlag)
    var documentSize = ByteCount(UInt64(ImageLimits().documentSize))

    @Option(name: .customLong("max-index-depth"), help: ArgumentHelp("How deep indexes may nest.", valueName: "n"))
    var indexDepth: Int = ImageLimits().indexDepth

    @Option(name: .customLong("max-tar-entries"), help: ArgumentHelp("Most members a tar archive may have.", valueName: "n"))
    var tarEntries: Int = ImageLimits().tarEntries

    @Option(name: .customLong("max-descriptors"), help: ArgumentHelp("Most descriptors an image may have, repeats included.", valueName: "n"))
    var descriptors: Int = ImageLimits().descriptors

    @Option(name: .customLong("max-zstd-window"), help: ArgumentHelp(
        "Largest zstd window a layer may ask for (default: \(ByteCount(UInt64(DecompressionLimits.defaultZstdWindowLimit)))).", valueName: "size"),
        transform: byteCountFlag)
    var zstdWindow = ByteCount(UInt64(DecompressionLimits.defaultZstdWindowLimit))

    @Option(name: .customLong("max-layer-size"), help: ArgumentHelp("Most one layer may decompress to (default: no limit).", valueName: "size"),
            transform: byteCountFlag)
    var layerSize: ByteCount?

    func validate() throws {
        guard documentSize.bytes > 0, indexDepth > 0, tarEntries > 0, descriptors > 0 else {
            throw ValidationError("limits must be positive")
        }
        guard zstdWindow.bytes >= 1024 else { throw ValidationError("--max-zstd-window must be at least 1024") }
    }

    var limits: ImageLimits {
        var limits = ImageLimits()
        limits.documentSize = documentSize.int
        limits.indexDepth = indexDepth
        limits.tarEntries = tarEntries
        limits.descriptors = descriptors
        limits.decompression = DecompressionLimits(zstdWindowLimit: zstdWindow.int, outputLimit: layerSize?.bytes)
        return limits
    }
}
