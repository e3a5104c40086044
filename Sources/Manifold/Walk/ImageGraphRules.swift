/// The rules of an image graph — index → nested indexes → manifests → config → layers —
/// written once for every command that walks one (verify, inspect, pack; later pull, push,
/// copy). Each walk decides what a broken rule costs it (a failed result, a refused image);
/// the rule and its words are these.
enum ImageGraphRules {
    /// An index entry's name in a path, as reports and messages give it:
    /// `manifests[1] (linux/arm64/v8)`.
    static func entryLabel(_ entry: Descriptor, at position: Int) -> String {
        "manifests[\(position)]" + (entry.platform.map { " (\($0))" } ?? "")
    }

    /// A docker-save `manifest.json` entry's name in a path: `[0] (app:1.0)`.
    static func dockerEntryLabel(_ entry: DockerArchiveManifest, at position: Int) -> String {
        "[\(position)]" + (entry.repoTags.first.map { " (\($0))" } ?? "")
    }

    /// Whether `--platform` keeps an image of `platform`: every platform when none was
    /// asked for, else one that an asked-for platform selects (``Platform/isSelected(by:)``).
    static func keeps(_ platform: Platform, wanted: [Platform]) -> Bool {
        wanted.isEmpty || wanted.contains { platform.isSelected(by: $0) }
    }

    /// What is wrong when an index entry lists an image whose config claims another platform
    /// (``Platform/describes(config:)``), or nil. `name` names the config in the words
    /// (`config sha256:ab12…`); without it, "the config".
    static func platformMismatch(entry: Platform?, config: Platform?, naming name: String? = nil) -> String? {
        guard let entry, let config, !entry.describes(config: config) else { return nil }
        return "platform mismatch: the index entry says \(entry.describedWithNormalization), \(name.map { "config \($0)" } ?? "the config") says \(config.describedWithNormalization)"
    }

    /// What is wrong when a config's `rootfs.diff_ids` do not pair one to one with the
    /// layers (`config lists 1 diff_id for 2 layers`), or nil when they do.
    static func diffIDCountMismatch(_ config: ImageConfig, layers: Int) -> String? {
        guard config.diffIDs.count != layers else { return nil }
        return "config lists \(counted(config.diffIDs.count, "diff_id")) for \(counted(layers, "layer"))"
    }

    /// The diff_id of each layer, when the config pairs them; nil when there is no config or
    /// the counts differ (then no layer's diff_id can be trusted).
    static func layerDiffIDs(_ config: ImageConfig?, layers: Int) -> [Digest]? {
        guard let config, config.diffIDs.count == layers else { return nil }
        return config.diffIDs
    }

    /// Whether `--max-index-depth` allows an index `depth` levels down: an index that the
    /// root (`index.json`) lists is at depth 1. Every walk counts so, so verify, inspect and
    /// pack refuse the same images.
    static func allowsIndex(atDepth depth: Int, limit: Int) -> Bool {
        depth <= limit
    }

    /// The words for an index nested deeper than `--max-index-depth`.
    static func depthExceeded(limit: Int) -> String {
        "indexes nested deeper than \(limit) levels (the limit)"
    }
}
