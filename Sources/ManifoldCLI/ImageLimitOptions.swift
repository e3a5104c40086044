import ArgumentParser
import Manifold

/// The limits every command that reads images shares (`--max-document-size` …).
struct ImageLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-document-size"), help: ArgumentHelp("Largest index, manifest or config, in bytes.", valueName: "bytes"))
    var documentSize: Int = ImageLimits().documentSize

    @Option(name: .customLong("max-index-depth"), help: ArgumentHelp("How deep indexes may nest.", valueName: "n"))
    var indexDepth: Int = ImageLimits().indexDepth

    @Option(name: .customLong("max-tar-entries"), help: ArgumentHelp("Most members a tar archive may have.", valueName: "n"))
    var tarEntries: Int = ImageLimits().tarEntries

    @Option(name: .customLong("max-descriptors"), help: ArgumentHelp("Most descriptors an image may have, repeats included.", valueName: "n"))
    var descriptors: Int = ImageLimits().descriptors

    @Option(name: .customLong("max-zstd-window"), help: ArgumentHelp("Largest zstd window a layer may ask for, in bytes.", valueName: "bytes"))
    var zstdWindow: Int = DecompressionLimits.defaultZstdWindowLimit

    @Option(name: .customLong("max-layer-size"), help: ArgumentHelp("Most bytes one layer may decompress to (default: no limit).", valueName: "bytes"))
    var layerSize: UInt64?

    func validate() throws {
        guard documentSize > 0, indexDepth > 0, tarEntries > 0, descriptors > 0 else {
            throw ValidationError("limits must be positive")
        }
        guard zstdWindow >= 1024 else { throw ValidationError("--max-zstd-window must be at least 1024") }
    }

    var limits: ImageLimits {
        var limits = ImageLimits()
        limits.documentSize = documentSize
        limits.indexDepth = indexDepth
        limits.tarEntries = tarEntries
        limits.descriptors = descriptors
        limits.decompression = DecompressionLimits(zstdWindowLimit: zstdWindow, outputLimit: layerSize)
        return limits
    }
}
