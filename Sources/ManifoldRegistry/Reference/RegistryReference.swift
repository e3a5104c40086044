// https://github.com/distribution/reference/blob/main/reference.go
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests

import Manifold

/// A reference to an image on a registry: `[host[:port]/]path[:tag][@digest]`, as Docker,
/// skopeo (after `docker://`) and podman write it.
///
/// Parsed with Docker's grammar and normalisation (``RepositoryReference``): `ubuntu` is
/// `docker.io/library/ubuntu`, `localhost:5000/app:1` is on `localhost:5000`. An uppercase
/// repository, a bad tag or an invalid digest is an error that says which. With neither a
/// tag nor a digest, the image is the `latest` tag; with both, the digest decides (the tag
/// is only kept for display), as Docker does.
public struct RegistryReference: Hashable, Sendable, CustomStringConvertible {
    /// The tag used when a reference names none.
    public static let defaultTag = "latest"

    /// The repository the image is in.
    public let repository: RepositoryReference
    /// The tag as written, or nil.
    public let tag: String?
    /// The digest as written, or nil.
    public let digest: Digest?

    /// Parses a reference. Throws ``ManifoldError`` (`.invalidArgument`, or `.invalidDigest`
    /// for a bad digest) with a message naming the reference and what is wrong with it.
    public init(parsing text: String) throws {
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            let digestText = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            do {
                digest = try Digest(parsing: digestText)
            } catch let error as ManifoldError {
                throw error.prefixed("invalid reference format \(quoted(text))")
            }
            // A registry is asked for content by this digest and its answer checked against
            // it, so an algorithm that cannot be computed here is refused up front.
            if let digest, !digest.isVerifiable {
                throw ManifoldError(
                    .unsupportedAlgorithm,
                    "invalid reference format \(quoted(text)): unsupported digest algorithm \(quoted(digest.algorithm.rawValue))")
            }
            guard !rest.isEmpty else {
                throw RepositoryReference.referenceError(text, "no repository name before the digest")
            }
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let tagText = rest[rest.index(after: colon)...]
            let name = rest[..<colon]
            // `host:port` with no path is a name without a tag only if it reads as one; Docker
            // reads `test.com:5000` as repository `test.com`, tag `5000`, and so does this.
            guard ReferenceGrammar.isTag(tagText) else {
                throw RepositoryReference.referenceError(
                    text, "tag \(quoted(String(tagText))) is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
            }
            guard !name.isEmpty else {
                throw RepositoryReference.referenceError(text, "no repository name before the tag")
            }
            tag = String(tagText)
            rest = name
        }
        self.repository = try RepositoryReference.validatedName(String(rest), whole: text)
        self.tag = tag
        self.digest = digest
    }

    /// How skopeo, and commands that also take files, mark a registry reference.
    public static let transportPrefix = "docker://"

    /// Parses `docker://REF`; nil when `text` does not start with `docker://` (it names a
    /// file or another transport), an error when what follows is not a reference.
    public init?(parsingTransport text: String) throws {
        guard text.hasPrefix(Self.transportPrefix) else { return nil }
        try self.init(parsing: String(text.dropFirst(Self.transportPrefix.count)))
    }

    /// A reference from its parts; `tag` is checked against the grammar.
    public init(repository: RepositoryReference, tag: String? = nil, digest: Digest? = nil) throws {
        if let tag, !ReferenceGrammar.isTag(tag[...]) {
            throw RepositoryReference.referenceError(
                tag, "tag \(quoted(tag)) is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
        }
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// What goes after `/v2/<name>/manifests/`: the digest if there is one, else the tag,
    /// else `latest`.
    public var manifestReference: String {
        digest?.description ?? tag ?? Self.defaultTag
    }

    /// The full form, naming exactly what is fetched: `docker.io/library/ubuntu:latest`,
    /// `localhost:5000/app@sha256:…` (a missing tag shows as `latest` unless a digest is given).
    public var canonical: String {
        var text = repository.canonical
        if let tag { text += ":\(tag)" } else if digest == nil { text += ":\(Self.defaultTag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// The familiar form, as written by a person: `ubuntu`, `ubuntu:22.04`,
    /// `localhost:5000/app@sha256:…`.
    public var description: String {
        var text = repository.familiar
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }
}
