// https://github.com/containers/image/blob/main/pkg/docker/config/config.go (getAuthFilePaths)
// https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// Finds the credentials for a registry where skopeo and podman (containers/image) look,
/// in their order, and stores them where `skopeo login` does.
///
/// Order:
/// 1. `--creds USER[:PASS]` (``explicitCredential``): nothing else is read.
/// 2. The primary file: `--authfile`, else `$REGISTRY_AUTH_FILE` (skopeo's default for
///    `--authfile`), else `${XDG_RUNTIME_DIR}/containers/auth.json`, else
///    `/run/containers/UID/auth.json`.
/// 3. `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`.
/// 4. `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
/// 5. `~/.dockercfg` (the legacy format).
///
/// In each file, as containers/image does: a `credHelpers` entry for the registry runs that
/// helper; else the `auths` entries (`host/path` keys, most specific first, then `host`, then
/// URL-style keys such as `https://index.docker.io/v1/`). Then, as Docker does and
/// containers/image does not, the file's `credsStore` helper. The first credential found
/// wins; a malformed file, or a helper that is missing or fails, is an error naming it.
public struct CredentialStore: Sendable {
    /// A file in the search order.
    public struct SearchPath: Hashable, Sendable {
        /// The file's path.
        public let path: String
        /// True for `~/.dockercfg`.
        public let isLegacyFormat: Bool
    }

    /// Variables, home and user the search is made in.
    public let environment: CredentialEnvironment
    /// `--authfile`, if given.
    public let authFile: String?
    /// The credential `--creds` gave, which overrides every file.
    public let explicitCredential: RegistryCredential?

    /// A store over `environment` (by default this process's), with the command's
    /// `--authfile` and `--creds`, if given.
    public init(environment: CredentialEnvironment = .current(), authFile: String? = nil,
                explicitCredential: RegistryCredential? = nil) {
        self.environment = environment
        self.authFile = authFile.flatMap { $0.isEmpty ? nil : $0 }
        self.explicitCredential = explicitCredential
    }

    /// The primary (read/write) file: where ``login(key:username:password:)`` writes.
    /// Throws when `$XDG_RUNTIME_DIR` names a directory that does not exist, as skopeo does,
    /// rather than writing credentials somewhere else.
    public func primaryAuthFile() throws -> String {
        if let authFile { return authFile }
        if let file = environment["REGISTRY_AUTH_FILE"] { return file }
        if let runtime = environment["XDG_RUNTIME_DIR"] {
            var info = stat()
            if stat(runtime, &info) != 0, errno == ENOENT {
                throw ManifoldError(
                    .unwritable,
                    "\(quoted(runtime)) directory set by $XDG_RUNTIME_DIR does not exist. Either create the directory or unset $XDG_RUNTIME_DIR.")
            }
            return "\(runtime)/containers/auth.json"
        }
        return "/run/containers/\(environment.userID)/auth.json"
    }

    /// Every file read, in order (some may not exist).
    public var searchPaths: [SearchPath] {
        var paths: [SearchPath] = []
        // A missing $XDG_RUNTIME_DIR only matters for writing; reading goes on without it.
        if let primary = try? primaryAuthFile() { paths.append(SearchPath(path: primary, isLegacyFormat: false)) }
        let home = environment.homeDirectory
        if let configHome = environment["XDG_CONFIG_HOME"] ?? home.map({ "\($0)/.config" }) {
            paths.append(SearchPath(path: "\(configHome)/containers/auth.json", isLegacyFormat: false))
        }
        if let dockerConfig = environment["DOCKER_CONFIG"] {
            paths.append(SearchPath(path: "\(dockerConfig)/config.json", isLegacyFormat: false))
        } else if let home {
            paths.append(SearchPath(path: "\(home)/.docker/config.json", isLegacyFormat: false))
        }
        if let home { paths.append(SearchPath(path: "\(home)/.dockercfg", isLegacyFormat: true)) }
        return paths
    }

    /// The credential for `repository`, or nil to go anonymous.
    public func credential(for repository: RepositoryReference) throws -> RegistryCredential? {
        if let explicitCredential { return explicitCredential }
        for searchPath in searchPaths {
            let file = try AuthFile(path: searchPath.path, isLegacyFormat: searchPath.isLegacyFormat)
            guard file.exists else { continue }
            if let name = file.credentialHelper(for: repository) {
                let helper = CredentialHelper(name: name, configuredIn: file.path, environment: environment)
                if let found = try helper.get(serverURL: Self.helperServerURL(for: repository)) { return found }
                continue
            }
            if let found = try file.credential(for: repository) { return found }
            if let name = file.credentialsStore {
                let helper = CredentialHelper(name: name, configuredIn: file.path, environment: environment)
                if let found = try helper.get(serverURL: Self.helperServerURL(for: repository)) { return found }
            }
        }
        return nil
    }

    /// What a helper is asked about: the registry's domain, or for Docker Hub the URL
    /// `docker login` stores Hub's credentials under.
    static func helperServerURL(for repository: RepositoryReference) -> String {
        repository.isDockerHub ? AuthFile.dockerHubServerURL : repository.domain
    }
}
