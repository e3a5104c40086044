/// What was found of one signature: where it is, what it signs, and whether a given key
/// verified it — or why not.
public struct SignatureResult: Sendable {
    public enum Status: String, Sendable {
        /// A given key verified it over the exact payload bytes, and the payload names the
        /// manifest it is attached to.
        case verified
        /// No given key verified it, or its payload or placement is wrong.
        case failed
        /// Not checked: no key was given, or its format is not one manifold checks.
        case unchecked
    }

    /// Where the signature is: its artifact manifest's path and layer, `… › layers[0]`.
    public var path: [String]
    /// The manifest holding it (a cosign `.sig` manifest).
    public var artifactDigest: Digest
    /// The manifest it signs: its placement's claim, else its payload's.
    public var signs: Digest?
    /// The digest its payload names (cosign `critical.image.docker-manifest-digest`).
    public var payloadDigest: Digest?
    /// `cosign` (simple signing payload, signature in an annotation), `sigstore-bundle`,
    /// `notation-jws`, or the layer's media type when not checked.
    public var format: String
    public var status: Status
    /// The key that verified it (its name as given; for Notation the leaf's subject) and how.
    public var key: String?
    public var scheme: String?
    /// Why it failed, one reason per entry.
    public var problems: [String] = []
    /// Facts that are not failures: a Rekor bundle not consulted, a keyless certificate.
    public var notes: [String] = []
    /// Notation: the trust policy applied, and the trust store the chain led to.
    public var policy: String?
    public var trustStore: String?
    /// Its signed content names another manifest than the one it is attached to.
    var misplaced = false
    /// Notation: the signature or its payload is wrong, which even an audit-level policy enforces.
    var integrityFailed = false
    /// Notation: its only problems are authenticity failures the policy only logs (audit):
    /// they fail nothing, and the signature meets the requirement.
    var authenticityLogged = false

    public var pathString: String { path.joined(separator: " › ") }
}
