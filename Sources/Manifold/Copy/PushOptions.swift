/// How `manifold push` and `copy` publish an image: verify's checks (``VerifyOptions``:
/// `--platform`, `--jobs`, limits) applied to the bytes as they are sent, and the tags the
/// top document is written under, last.
public struct PushOptions: Sendable {
    /// The checks, as verify makes them; `shallow` and `allowSparse` are refused: a push
    /// publishes only what it checked in full.
    public var verify = VerifyOptions()
    /// The tags the pushed image gets, in order; empty pushes it by digest only.
    public var tags: [String] = []
    /// Whether the image's signatures and other attached artifacts (its cosign `.sig`,
    /// `.att` and `.sbom` tags, its referrers) go with it; false: `--remove-signatures`.
    public var carriesSignatures = true

    public init() {}

    /// Refuses what cannot be pushed before anything is read.
    public func validate() throws {
        if verify.shallow {
            throw ManifoldError(.invalidArgument, "a push checks every layer in full; --shallow does not apply")
        }
        if verify.allowSparse {
            throw ManifoldError(.invalidArgument, "a push sends every blob; --allow-sparse does not apply")
        }
        for tag in tags { try ImageTag.validate(tag, what: "the tag") }
    }
}
