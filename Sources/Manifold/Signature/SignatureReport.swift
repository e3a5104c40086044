/// What `verify --key` found of an image's signatures: each signature's verdict and whether
/// each manifest the requirement names is signed by a given key.
public struct SignatureReport: Sendable {
    /// The keys given, in the order given.
    public var keys: [VerificationKey]
    public var requirement: SignatureRequirement
    public var signatures: [SignatureResult]
    /// One per manifest the requirement names; empty when no key was given.
    public var requirements: [SignatureRequirementResult]
    /// What the check cannot prove offline, said plainly.
    public var notes: [String]
    /// The Notation trust policy applied (`name in FILE`), when `--trust-policy` was given.
    public var trustPolicy: String? = nil

    /// Whether keys were given (without one, signatures are listed, not checked).
    public var checked: Bool { !keys.isEmpty || trustPolicy != nil }
    public var satisfied: Bool { requirements.allSatisfy(\.satisfied) }

    /// Said in every report that checks signatures.
    static let offlineNotes = [
        "the transparency log (Rekor) is not consulted: a signature's inclusion and time are not proven",
        "keyless (Fulcio certificate) signatures cannot be verified offline without a trust root",
    ]
}
