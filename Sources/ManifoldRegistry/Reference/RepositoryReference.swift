// https://github.com/distribution/reference/blob/main/normalize.go (docker.io and library/)

import Manifold

/// A repository on a registry, without a tag or digest: `docker.io/library/ubuntu`,
/// `localhost:5000/team/app`. What `tags` and `ls` take, and the name part of every
/// ``RegistryReference``.
///
/// Parsing follows Docker's normalisation: a first component is the registry's domain only
/// when it contains `.` or `:`, is `localhost`, or has an uppercase letter; otherwise the
/// domain is `docker.io`, and a one-component path there gains `library/`. `index.docker.io`
/// is the old name of `docker.io`. A value is always grammatical and its path lowercase.
public struct RepositoryReference: Hashable, Sendable, CustomStringConvertible {
    /// Docker Hub's name in references and credentials.
    public static let dockerHubDomain = "docker.io"
    /// The host that serves Docker Hub's registry API.
    public static let dockerHubRegistryHost = "registry-1.docker.io"
    /// Docker Hub's old name, which references may still use.
    static let legacyDockerHubDomain = "index.docker.io"
    /// The namespace of Docker Hub's official images.
    static let officialNamespace = "library"

    /// The registry as references name it, with its port: `docker.io`, `localhost:5000`,
    /// `[::1]:5000`.
    public let domain: String
    /// The repository's path on that registry: `library/ubuntu`, `team/app`.
    public let path: String

    /// Parses `[domain/]path`, normalised as Docker does. A tag or digest is an error here.
    public init(parsing text: String) throws {
        // The full grammar first, so that `host:5000/app:1` is refused for its tag rather
        // than for a path component `app:1`.
        let reference = try RegistryReference(parsing: text)
        guard reference.tag == nil, reference.digest == nil else {
            throw Self.referenceError(text, "a repository is named without a tag or digest")
        }
        self = reference.repository
    }

    /// Builds a reference from parts already known to be valid (domain and path as parsed).
    init(uncheckedDomain domain: String, path: String) {
        self.domain = domain
        self.path = path
    }

    /// The host and port to connect to for the registry API: `registry-1.docker.io` for
    /// Docker Hub, the domain itself otherwise.
    public var registryHost: String {
        domain == Self.dockerHubDomain ? Self.dockerHubRegistryHost : domain
    }

    /// True for Docker Hub.
    public var isDockerHub: Bool { domain == Self.dockerHubDomain }

    /// The full name: `docker.io/library/ubuntu`.
    public var canonical: String { "\(domain)/\(path)" }

    /// The short form a person types: `ubuntu`, `team/app` on Docker Hub, the full name
    /// elsewhere — and on Docker Hub too when the path's first component would read as a
    /// registry (`docker.io/a.b/app`, `docker.io/localhost/app`), so that the form parses back
    /// to this repository.
    public var familiar: String {
        guard isDockerHub, !Self.firstComponentIsDomain(path) else { return canonical }
        let prefix = Self.officialNamespace + "/"
        if path.hasPrefix(prefix), !path.dropFirst(prefix.count).contains("/") {
            return String(path.dropFirst(prefix.count))
        }
        return path
    }

    /// The familiar form (``familiar``).
    public var description: String { familiar }

    /// `text`'s name part (everything before any tag or digest) checked and normalised;
    /// `whole` is the user's full reference, for messages.
    static func validatedName(_ text: String, whole: String) throws -> RepositoryReference {
        guard !text.isEmpty else {
            throw referenceError(whole, "repository name must have at least one component")
        }
        if ReferenceGrammar.isIdentifier(text[...]) {
            throw referenceError(whole, "cannot specify 64-byte hexadecimal strings as a repository name")
        }
        var domain = dockerHubDomain
        var remainder = Substring(text)
        if firstComponentIsDomain(text), let slash = text.firstIndex(of: "/") {
            domain = String(text[..<slash])
            remainder = text[text.index(after: slash)...]
            guard ReferenceGrammar.isDomain(domain[...]) else {
                throw referenceError(whole, "\(quoted(domain)) is not a registry host[:port]")
            }
        }
        if domain == legacyDockerHubDomain { domain = dockerHubDomain }
        let components = remainder.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where !ReferenceGrammar.isPathComponent(component.utf8) {
            let lowered = component.lowercased()
            if lowered != component, ReferenceGrammar.isPathComponent(lowered[...].utf8) {
                throw referenceError(whole, "repository name (\(remainder)) must be lowercase")
            }
            throw referenceError(
                whole,
                component.isEmpty
                    ? "empty path component"
                    : "path component \(quoted(String(component))) is not lowercase letters and digits joined by '.', '_', '__' or '-'")
        }
        var path = String(remainder)
        if domain == dockerHubDomain, components.count == 1 { path = "\(officialNamespace)/\(path)" }
        // Counted once normalised, as Docker counts it: `ubuntu` is 24 characters
        // (docker.io/library/ubuntu), so that the canonical form of every name parses again.
        guard domain.utf8.count + 1 + path.utf8.count <= ReferenceGrammar.maxNameLength else {
            throw referenceError(whole, "repository name must not be more than \(ReferenceGrammar.maxNameLength) characters")
        }
        return RepositoryReference(uncheckedDomain: domain, path: path)
    }

    /// Docker's rule: the text before the first `/` is a domain when it has `.` or `:`, is
    /// `localhost`, or has an uppercase letter (a path component never does).
    static func firstComponentIsDomain(_ text: String) -> Bool {
        guard let slash = text.firstIndex(of: "/") else { return false }
        let first = text[..<slash]
        return first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first
    }

    static func referenceError(_ text: String, _ reason: String) -> ManifoldError {
        ManifoldError(.invalidArgument, "invalid reference format \(quoted(text)): \(reason)")
    }
}
