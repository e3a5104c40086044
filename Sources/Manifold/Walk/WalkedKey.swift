/// An index or manifest, by what it is read as: one digest listed as an index and as a
/// manifest is two documents (each is decoded by its own rules), walked once each.
struct WalkedKey: Hashable, Sendable {
    let digest: Digest
    let mediaType: String
}
