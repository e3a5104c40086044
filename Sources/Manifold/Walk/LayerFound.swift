/// A layer of a manifest, with the diff_id its config pairs it with (nil when the config is
/// missing or its diff_ids do not pair one to one).
struct LayerFound: Sendable {
    let path: [String]
    let descriptor: Descriptor
    let position: Int
    /// The image's platform.
    let platform: Platform?
    let diffID: Digest?
}
