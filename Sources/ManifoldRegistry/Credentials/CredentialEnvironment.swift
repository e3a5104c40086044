#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where credentials are looked for: the environment variables that move the files
/// (`REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`, `DOCKER_CONFIG`), `PATH` for
/// credential helpers, the home directory and the user ID.
///
/// A value, injected into ``CredentialStore``, so that tests never read or write the real
/// home directory: ``current()`` is the only place the process's own environment is read.
public struct CredentialEnvironment: Sendable, Hashable {
    /// The environment variables, also the environment a credential helper runs with.
    public var variables: [String: String]
    /// The user's home directory (`$HOME`, else the password database), if known.
    public var homeDirectory: String?
    /// The user ID, for `/run/containers/UID/auth.json` when `XDG_RUNTIME_DIR` is unset.
    public var userID: UInt32

    /// An environment made up by the caller (a test's, or a sandbox's).
    public init(variables: [String: String], homeDirectory: String?, userID: UInt32) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.userID = userID
    }

    /// The variable's value, or nil when it is unset or empty (as containers/image reads them).
    public subscript(variable: String) -> String? {
        guard let value = variables[variable], !value.isEmpty else { return nil }
        return value
    }

    /// This process's environment, home directory and user ID.
    public static func current() -> CredentialEnvironment {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        var home = variables["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if home == nil, let record = getpwuid(getuid()), let directory = record.pointee.pw_dir {
            home = String(cString: directory)
        }
        return CredentialEnvironment(variables: variables, homeDirectory: home, userID: getuid())
    }
}
