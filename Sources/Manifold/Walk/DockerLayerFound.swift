/// A `docker save` image's layer, located by its path (not yet read).
struct DockerLayerFound: Sendable {
    let entry: DockerEntryFound
    /// The entry's path + `Layers[i] <path>`.
    let path: [String]
    let position: Int
    /// Its path in the archive, as manifest.json gives it.
    let file: String
    /// The digest its name states, if any (Docker 25+ names `blobs/sha256/…`).
    let named: Digest?
    /// Where its bytes are: nil when absent, or why it could not be located.
    let located: Result<StoredFile?, any Error>
    /// The diff_id its config pairs it with, when the config pairs them.
    let diffID: Digest?
    let platform: Platform?
}
