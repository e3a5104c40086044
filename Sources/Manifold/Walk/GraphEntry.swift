/// A descriptor an index lists (index.json's entries included), where the walk met it.
struct GraphEntry: Sendable {
    /// Where it is, from the root: `["index.json", "manifests[0]", "manifests[1] (linux/arm64)"]`.
    let path: [String]
    let descriptor: Descriptor
    /// How deep it is listed: index.json's entries are at 1, the entries of an index it
    /// lists at 2 (``ImageGraphRules/allowsIndex(atDepth:limit:)`` counts so).
    let depth: Int
    /// Its position in the index that lists it.
    let position: Int
    /// Listed by a root (index.json): an image the user may name by tag or digest.
    let isRootEntry: Bool

    /// The tags a root entry carries (none for a deeper entry).
    var tags: [String] {
        isRootEntry ? LocalImageReference.shownTags(of: descriptor) : []
    }

    /// The platform the index claims for it.
    var entryPlatform: Platform? { descriptor.platform }
}
