// https://github.com/containers/image/blob/main/pkg/docker/config/config.go (findCredentialsInFile)

import Manifold

extension AuthFile {
    /// The keys tried for `repository`, most specific first: `host/a/b`, `host/a`, `host`.
    /// A legacy file only knows hosts.
    static func lookupKeys(for repository: RepositoryReference, isLegacyFormat: Bool) -> [String] {
        guard !isLegacyFormat else { return [repository.domain] }
        var keys: [String] = []
        var components = repository.path.split(separator: "/").map(String.init)
        while !components.isEmpty {
            keys.append("\(repository.domain)/\(components.joined(separator: "/"))")
            components.removeLast()
        }
        return keys + [repository.domain]
    }

    /// A registry name with Docker Hub's several names made one: `docker.io`,
    /// `index.docker.io` and `registry-1.docker.io` are all `index.docker.io`.
    static func normalizedRegistry(_ host: String) -> String {
        switch host {
        case "registry-1.docker.io", "docker.io": "index.docker.io"
        default: host
        }
    }

    /// The host an `auths` key names, for keys written as URLs (`https://host/v1/`, as old
    /// `docker login` did) or, in a legacy file, with a path.
    static func normalizedKey(_ key: String, isLegacyFormat: Bool) -> String {
        var stripped = Substring(key)
        for scheme in ["http://", "https://"] where stripped.hasPrefix(scheme) {
            stripped = stripped.dropFirst(scheme.count)
        }
        if isLegacyFormat || stripped.count != key.count, let slash = stripped.firstIndex(of: "/") {
            stripped = stripped[..<slash]
        }
        return normalizedRegistry(String(stripped))
    }

    /// The `auths` entry for `repository`: an exact key, most specific first (`host/path`
    /// beats `host`), else a key naming the same host as a URL or by another Docker Hub
    /// name. Nil when there is none, or when it has neither a user and password nor an
    /// identity token (Docker leaves `{}` entries behind for registries in a helper).
    public func credential(for repository: RepositoryReference) throws -> RegistryCredential? {
        let entries = auths
        for key in Self.lookupKeys(for: repository, isLegacyFormat: isLegacyFormat) {
            if let entry = entries.first(where: { $0.key == key }) {
                return try decode(entry.key, entry.entry)
            }
        }
        let registry = Self.normalizedRegistry(repository.domain)
        if let entry = entries.first(where: { Self.normalizedKey($0.key, isLegacyFormat: isLegacyFormat) == registry }) {
            return try decode(entry.key, entry.entry)
        }
        return nil
    }

    /// The helper `credHelpers` names for `repository`'s registry: under its domain or, for
    /// Docker Hub, any of Hub's names.
    public func credentialHelper(for repository: RepositoryReference) -> String? {
        let helpers = credentialHelpers
        if let name = helpers[repository.domain] { return name }
        guard repository.isDockerHub else { return nil }
        return ["index.docker.io", "registry-1.docker.io", Self.dockerHubServerURL].lazy.compactMap { helpers[$0] }.first
    }

    /// What Docker calls Docker Hub in credential helpers and `auths`.
    static let dockerHubServerURL = "https://index.docker.io/v1/"

    private func decode(_ key: String, _ entry: JSONObject) throws -> RegistryCredential? {
        var username = ""
        var password = ""
        if case .string(let auth)? = entry["auth"], !auth.isEmpty {
            guard let decoded = Base64.decode(auth) else {
                throw ManifoldError(.invalidDocument, "\(path): \"auths\".\(quoted(key)).auth is not base64")
            }
            // "user:password", split at the first colon byte as Docker splits it (not at the
            // first ":" Character: a colon followed by a combining mark is not one); Docker
            // pads with NULs at times.
            if let colon = decoded.firstIndex(of: UInt8(ascii: ":")) {
                username = String(decoding: decoded[..<colon], as: UTF8.self)
                password = String(decoding: decoded[(colon + 1)...].filter { $0 != 0 }, as: UTF8.self)
            }
        }
        if case .string(let token)? = entry["identitytoken"], !token.isEmpty {
            return RegistryCredential(username: username, password: "", identityToken: token, source: path)
        }
        guard !username.isEmpty, !password.isEmpty else { return nil }
        return RegistryCredential(username: username, password: password, source: path)
    }
}
