/// The first descriptor past `--max-descriptors`: the walk stops there.
struct LimitReached: Sendable {
    /// The descriptor past the limit.
    let path: [String]
    /// The document it belongs to: the entry itself, or the manifest of a config or layer.
    let owner: [String]
    let limit: Int
    /// The words for it (``DescriptorBudget/exceeded``).
    let message: String
}
