/// How `manifold pull` copies an image: verify's checks (``VerifyOptions``: `--platform`,
/// `--jobs`, limits) applied to the bytes as they are written, and where they go.
public struct PullOptions: Sendable {
    public typealias Format = PackOptions.Format

    /// The checks, as verify makes them. `shallow` and `allowSparse` are refused: a pull
    /// writes only what it checked in full.
    public var verify = VerifyOptions()
    /// A layout directory or an oci-archive path (pack's rules: never replaced without `force`).
    public var output: String
    /// nil: `tar` when the output's name ends in `.tar` (any case), otherwise `dir`.
    public var format: Format?
    /// The name the pulled image gets in the output's index.json; nil keeps the source's.
    public var tag: String?
    public var force = false
    /// Whether the image's signatures and other attached artifacts the source lists (its
    /// cosign `.sig`, `.att` and `.sbom` tags, its referrers) are written with it, as
    /// `cosign save` writes them; false: `--remove-signatures`.
    public var carriesSignatures = true

    public init(output: String) {
        self.output = output
    }

    public var resolvedFormat: Format {
        format ?? (output.lowercased().hasSuffix(".tar") ? .tar : .dir)
    }

    /// Refuses what cannot be pulled before anything is read.
    public func validate() throws {
        if output == "-" {
            throw ManifoldError(.invalidArgument, "pull writes a layout directory or an oci-archive file, not standard output; give -o PATH")
        }
        if verify.shallow {
            throw ManifoldError(.invalidArgument, "a pull checks every layer in full; --shallow does not apply")
        }
        if verify.allowSparse {
            throw ManifoldError(.invalidArgument, "a pull copies every blob; --allow-sparse does not apply")
        }
        if let tag { try ImageTag.validate(tag, what: "the output tag") }
    }
}
