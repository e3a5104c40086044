import ArgumentParser
import Manifold

extension PushOptions {
    /// What `push` and `copy` (every image of `copy --all-tags` too) build from the flags they
    /// share, so that one flag means one thing in each.
    static func fromFlags(tags: [String], platforms: [String], jobs: Int?, limits: ImageLimits, verifyPresent: Bool,
                          compression: CompressionFlags, removeSignatures: Bool) throws -> PushOptions {
        var options = PushOptions()
        options.tags = tags
        options.verify.platforms = try platforms.map(parsePlatform)
        options.verify.jobs = jobs ?? activeCores() + 1
        options.verify.limits = limits
        options.verifyPresent = verifyPresent
        options.compress = try compression.compress.map(parseCompression)
        options.compressLevel = compression.level
        if options.compress != nil, let path = CompressionFlags.cachePath() {
            options.compressedLayers = CompressedLayerCache(path: path)
        }
        options.carriesSignatures = !removeSignatures
        return options
    }

    /// `--compress`: gzip or zstd (a layer is never sent less compressed than it is).
    static func parseCompression(_ text: String) throws -> Compression {
        guard let compression = Compression(rawValue: text), compression != .plain else {
            throw ValidationError("--compress is gzip or zstd, got \(text)")
        }
        return compression
    }
}
