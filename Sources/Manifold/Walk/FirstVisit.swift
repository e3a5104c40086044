/// Where an index or manifest was first walked and what came of it, handed to the visitor
/// when the document is listed again, so a repeat is reported as a reference to its first
/// place and never walked again: work grows with distinct documents, not with paths.
struct FirstVisit: Sendable {
    enum State: Sendable {
        /// Being walked (or stopped by a limit before its outcome was known).
        case pending
        /// Read and decoded without a problem: later listings are checked against its bytes.
        case decoded
        /// Absent from the source.
        case absent
        /// Unreadable, not what its descriptor says, undecodable, unverifiable or too deep.
        case failed
        /// Left out by --platform (its config's platform): so are later listings.
        case skipped
    }

    let path: [String]
    var state: State = .pending
    /// For a manifest, the platform its config claims.
    var configPlatform: Platform?

    /// What is wrong when `entry`, a later listing of this manifest, claims another platform
    /// than its config (checked at every listing, though the config is read once), or nil.
    func platformMismatch(of entry: GraphEntry) -> String? {
        ImageGraphRules.platformMismatch(entry: entry.entryPlatform, config: configPlatform)
    }
}
