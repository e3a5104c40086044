#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An image on disk as a user names it: `PATH`, `PATH:TAG`, `PATH@sha256:…` (or both), with
/// skopeo's transport prefixes `oci:`, `oci-archive:` and `docker-archive:` accepted.
public struct LocalImageReference: Sendable, Hashable, CustomStringConvertible {
    /// What a skopeo transport prefix says the image is; checked against what it turns out to be.
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        case oci
        case ociArchive = "oci-archive"
        case dockerArchive = "docker-archive"

        /// The container this transport names.
        public var kind: ImageSourceKind {
            switch self {
            case .oci: .ociLayout
            case .ociArchive: .ociArchive
            case .dockerArchive: .dockerArchive
            }
        }
    }

    public var path: String
    public var tag: String?
    /// An index.json entry (or, in a docker save without one, an image ID) named by digest.
    public var digest: Digest?
    /// The prefix given, if any.
    public var transport: Transport?

    public init(path: String, tag: String? = nil, digest: Digest? = nil, transport: Transport? = nil) {
        self.path = path
        self.tag = tag
        self.digest = digest
        self.transport = transport
    }

    /// Parses what a user typed. A transport prefix is taken off first (`docker://` is a
    /// registry reference, refused for now); then `@DIGEST` when what follows the last `@`
    /// is a sha256 or sha512 digest (`dir@x:y` is a path and a tag); then `:TAG` at the colon after which PATH exists, the rightmost such
    /// colon when several do, unless the whole string names an existing file (paths may hold
    /// colons, and docker tags do: `save.tar:example/app:1.0`). `exists` tests a path.
    public init(parsing text: String, exists: (String) -> Bool = pathExists) throws {
        var rest = Substring(text)
        transport = nil
        if rest.hasPrefix("docker://") {
            // The prefix is kept for registry references (a later release): refuse, never guess a path.
            throw ManifoldError(.invalidArgument, "registry references are not supported yet (docker:// is kept for them); give an image directory or tar")
        }
        // An existing path wins over a prefix that happens to begin it ("oci:" is a valid file name).
        if !exists(text) {
            for candidate in Transport.allCases where rest.hasPrefix(candidate.rawValue + ":") {
                transport = candidate
                rest = rest.dropFirst(candidate.rawValue.count + 1)
                break
            }
        }
        digest = nil
        if !exists(String(rest)), let at = rest.lastIndex(of: "@"),
           let parsed = try? Digest(parsing: String(rest[rest.index(after: at)...])), parsed.isVerifiable
        {
            digest = parsed
            rest = rest[..<at]
        }
        path = String(rest)
        tag = nil
        if path.isEmpty {
            throw ManifoldError(.invalidArgument, "\(quoted(text)) names no path")
        }
        guard !exists(path) else { return }
        for colon in rest.indices.reversed() where rest[colon] == ":" && colon != rest.startIndex {
            let prefix = String(rest[..<colon])
            if exists(prefix) {
                path = prefix
                tag = String(rest[rest.index(after: colon)...])
                return
            }
        }
    }

    /// True when the reference names one image of its file (by tag or digest).
    public var namesOne: Bool { tag != nil || digest != nil }

    public var description: String {
        (transport.map { "\($0.rawValue):" } ?? "") + path + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }
}

/// Whether anything (file, directory, link) exists at `path`.
public func pathExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
