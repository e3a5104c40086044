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

    @OptionGroup var decompression: DecompressionLimitOptions

    func validate() throws {
        guard documentSize.bytes > 0, indexDepth > 0, tarEntries > 0, descriptors > 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    var limits: ImageLimits {
        var limits = ImageLimits()
        limits.documentSize = documentSize.int
        limits.indexDepth = indexDepth
        limits.tarEntries = tarEntries
        limits.descriptors = descriptors
        limits.decompression = decompression.limits
        return limits
    }
}
