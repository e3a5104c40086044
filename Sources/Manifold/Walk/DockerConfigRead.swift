/// A `docker save` config as read from its path: its name states its digest (the image ID)
/// in every generation of the format, so its bytes are checked against it. Read, hashed and
/// decoded once per path, however many images share it.
struct DockerConfigRead: Sendable {
    enum Failure: Sendable {
        case absent
        /// The provider could not read it (or it is past the document limit).
        case unreadable(any Error)
        /// Its content is not what its name says.
        case mismatch(named: Digest, actual: Digest)
        case undecodable(any Error)
    }

    /// Its path in the archive, as manifest.json gives it.
    let path: String
    /// The digest its name states, if any.
    let named: Digest?
    /// The named digest, or that of its content when it names none and was read.
    var digest: Digest?
    var file: StoredFile?
    var bytes: [UInt8]?
    var config: ImageConfig?
    var failure: Failure?
}
