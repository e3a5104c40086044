import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// `--compress` and `--compress-level`, as push and copy take them: how a Docker ≤ 24 save's
/// uncompressed layers are sent.
struct CompressionFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Send a Docker ≤ 24 save's uncompressed layers compressed (config and diff_ids unchanged; the manifest names the new layer digests). Layers already compressed are sent as stored.", valueName: "gzip|zstd"))
    var compress: String?

    @Option(name: .customLong("compress-level"), help: ArgumentHelp(
        "With --compress: gzip 1–9 (through zlib: smaller and many times slower than the default, ISA-L's fastest level), zstd 1–19 (default 3).",
        valueName: "N"))
    var level: Int?

    /// Where `--compress` remembers what it sent each layer as:
    /// `${XDG_CACHE_HOME:-$HOME/.cache}/manifold/compressed-layers.json`; nil with neither set.
    static func cachePath() -> String? {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name), value.pointee != 0 else { return nil }
            return String(cString: value)
        }
        if let cache = variable("XDG_CACHE_HOME"), cache.hasPrefix("/") { return cache + "/manifold/compressed-layers.json" }
        return variable("HOME").map { $0 + "/.cache/manifold/compressed-layers.json" }
    }

    func validate() throws {
        let compression = try compress.map(PushOptions.parseCompression)
        guard let level else { return }
        guard let compression else { throw ValidationError("--compress-level goes with --compress gzip|zstd") }
        guard let levels = StreamCompressor.levels(of: compression), levels.contains(level) else {
            let range = StreamCompressor.levels(of: compression).map { "\($0.lowerBound)–\($0.upperBound)" } ?? "none"
            throw ValidationError("--compress-level for \(compression) is \(range), got \(level)")
        }
    }
}
