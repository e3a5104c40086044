/// What `manifold sign` wrote.
public struct SignResult: Sendable {
    /// The manifest (or index) that is signed.
    public let signed: Digest
    /// The signature manifest written (or rewritten, when a signature was added to it).
    public let signatureManifest: Digest
    /// Its tag (`sha256-<hex>.sig`), for the tag scheme; nil for a referrer.
    public let tag: String?
    /// How many signatures the signature manifest holds now (cosign keeps each, one a layer).
    public let signatures: Int
    /// The payload's `docker-reference`.
    public let identity: String
}
