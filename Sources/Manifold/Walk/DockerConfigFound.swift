/// A `docker save` image's config, read, with the rule on its diff_ids applied.
struct DockerConfigFound: Sendable {
    let entry: DockerEntryFound
    /// The entry's path + `Config <path>`.
    let path: [String]
    let read: DockerConfigRead
    /// The config's platform.
    let platform: Platform?

    /// What is wrong when the config's diff_ids do not pair with the entry's layers, or nil.
    var diffIDMismatch: String? {
        read.config.flatMap { ImageGraphRules.diffIDCountMismatch($0, layers: entry.entry.layers.count) }
    }
}
