/// What became of a root (`index.json`, `manifest.json`) the walk tried to read. Nothing
/// above a root vouches for it, so any failure leaves the walk nothing to walk; the visitor
/// says in which words the image is refused.
enum RootReading<Value: Sendable>: Sendable {
    case read(bytes: [UInt8], value: Value)
    /// The source has no such root.
    case absent
    /// The provider could not read it (or it is past its size limit).
    case unreadable(any Error)
    /// Read, but not a valid root document.
    case undecodable(any Error)
}
