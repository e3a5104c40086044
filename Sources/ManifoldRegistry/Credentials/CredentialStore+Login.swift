// https://github.com/containers/image/blob/main/pkg/docker/config/config.go (SetCredentials, RemoveAuthentication)
// https://github.com/containers/common/blob/main/pkg/auth/auth.go (the key `login` accepts)

import Manifold

extension CredentialStore {
    /// The `auths` key for what `login`/`logout` was given, as containers/common computes
    /// it: `HOST[:PORT]`, or `HOST[:PORT]/PATH` for one namespace or repository, kept as
    /// written (`docker.io/vendor` must not become `docker.io/library/vendor`). A URL
    /// (`https://host/v1/`, as `docker login` accepts) is reduced to its host and port; a
    /// tag or digest is an error.
    public static func loginKey(_ text: String) throws -> String {
        var key = Substring(text)
        for scheme in ["http://", "https://"] where key.hasPrefix(scheme) {
            key = key.dropFirst(scheme.count)
            key = key.prefix { $0 != "/" }
        }
        guard let slash = key.firstIndex(of: "/") else {
            guard ReferenceGrammar.isDomain(key) else {
                throw ManifoldError(.invalidArgument, "\(quoted(text)) is not a registry host[:port]")
            }
            return String(key)
        }
        let registry = key[..<slash]
        let repository = try RepositoryReference(parsing: String(key))
        guard repository.domain == registry else {
            throw ManifoldError(
                .invalidArgument,
                "\(quoted(text)): the registry part is normalized to \(quoted(repository.domain)); write HOST/PATH")
        }
        return String(key)
    }

    /// Stores `username:password` for `key` in the primary file (or in the helper its
    /// `credHelpers` names for the key, as containers/image does); returns where, for the
    /// command to say. The caller checks the credentials against the registry first.
    @discardableResult
    public func login(key: String, username: String, password: String) throws -> String {
        var file = try AuthFile(path: try primaryAuthFile())
        if let name = file.credentialHelpers[key] {
            let helper = CredentialHelper(name: name, configuredIn: file.path, environment: environment)
            try helper.store(serverURL: key, username: username, secret: password)
            return helper.programName
        }
        file.setCredential(key: key, username: username, password: password)
        try file.write()
        return file.path
    }

    /// Removes the credentials for `key` from the primary file (and from the helper its
    /// `credHelpers` names); returns where. Throws, naming the file, when there were none.
    @discardableResult
    public func logout(key: String) throws -> String {
        var file = try AuthFile(path: try primaryAuthFile())
        var removedFrom: String?
        if let name = file.credentialHelpers[key] {
            let helper = CredentialHelper(name: name, configuredIn: file.path, environment: environment)
            if try helper.erase(serverURL: key) { removedFrom = helper.programName }
        }
        if file.removeCredential(key: key) != nil {
            try file.write()
            removedFrom = file.path
        }
        guard let removedFrom else {
            throw ManifoldError(.absent, "not logged into \(key) in \(file.path)")
        }
        return removedFrom
    }
}
