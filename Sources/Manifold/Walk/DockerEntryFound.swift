/// A `docker save` `manifest.json` entry (an image) chosen by the reference.
struct DockerEntryFound: Sendable {
    /// `["manifest.json", "[0] (app:1.0)"]`.
    let path: [String]
    let position: Int
    let entry: DockerArchiveManifest
    /// For an entry naming the same config and layers as an earlier one: that image again,
    /// at this path; not walked again.
    let sameAs: [String]?
}
