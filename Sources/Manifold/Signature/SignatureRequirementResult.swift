/// Whether one manifest the requirement names carries a valid signature.
public struct SignatureRequirementResult: Sendable {
    /// Where the manifest is, and its digest.
    public var path: [String]
    public var digest: Digest
    /// The keys whose signatures on it verified (none: the requirement failed for it).
    public var verifiedBy: [String]

    public var satisfied: Bool { !verifiedBy.isEmpty }
    public var pathString: String { path.joined(separator: " › ") }
}
