// https://github.com/docker/docker-credential-helpers (the get / store / erase protocol)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// A Docker credential helper, `docker-credential-NAME`, as `credHelpers` and `credsStore`
/// name it in a Docker config file.
///
/// `get` reads a server URL on standard input and writes `{"ServerURL", "Username",
/// "Secret"}`; a user name of `<token>` means the secret is an identity token. `store` reads
/// that document, `erase` a server URL. "Not found" is an answer (nil, false), not an error;
/// a missing program, a failing one or an unreadable answer is an error that names the
/// helper and says which. The program runs without a shell, found on the injected `PATH`.
public struct CredentialHelper: Sendable, Hashable {
    /// The helper's name as the config writes it: `test` for `docker-credential-test`.
    public let name: String
    /// The file that named the helper, for messages.
    public let configuredIn: String
    let environment: CredentialEnvironment

    /// The most a helper may write; a password or token is far smaller.
    public static let outputLimit = 1 << 20
    /// How long a helper may take by default (one may wait for a keyring to unlock).
    public static let defaultTimeout: Double = 60

    /// How long this helper may take before it is killed, in seconds.
    public var timeout: Double = defaultTimeout
    /// What a helper writes when it has nothing for the server.
    static let notFoundMessage = "credentials not found in native keychain"
    /// The user name that marks the secret as an identity token.
    static let identityTokenUsername = "<token>"

    /// The helper `name`, named in the file `configuredIn`, run with `environment`'s
    /// variables and found on its `PATH`.
    public init(name: String, configuredIn: String, environment: CredentialEnvironment) {
        self.name = name
        self.configuredIn = configuredIn
        self.environment = environment
    }

    /// The program's name: `docker-credential-NAME`.
    public var programName: String { "docker-credential-\(name)" }

    /// The credential the helper holds for `serverURL`, or nil when it has none.
    public func get(serverURL: String) throws -> RegistryCredential? {
        let result = try run("get", input: Array(serverURL.utf8))
        if result.exitStatus != 0 {
            if isNotFound(result) { return nil }
            throw failure("get", result)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(result.output)
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidDocument, "\(programName) get: unreadable answer: \(error.message)")
        }
        guard case .object(let object) = value,
              case .string(let username)? = object["Username"], case .string(let secret)? = object["Secret"]
        else {
            throw ManifoldError(.invalidDocument, "\(programName) get: answer lacks the strings \"Username\" and \"Secret\"")
        }
        if username.isEmpty && secret.isEmpty { return nil }
        let source = "\(programName) (named in \(configuredIn))"
        if username == Self.identityTokenUsername {
            return RegistryCredential(username: "", password: "", identityToken: secret, source: source)
        }
        return RegistryCredential(username: username, password: secret, source: source)
    }

    /// Stores a user name and secret for `serverURL` (what `login` does with a helper).
    public func store(serverURL: String, username: String, secret: String) throws {
        let document = JSONValue.object(JSONObject([
            ("ServerURL", .string(serverURL)), ("Username", .string(username)), ("Secret", .string(secret)),
        ]))
        let result = try run("store", input: JSONWriter(sortKeys: false).bytes(document))
        guard result.exitStatus == 0 else { throw failure("store", result) }
    }

    /// Removes what the helper holds for `serverURL`; false when it held nothing.
    public func erase(serverURL: String) throws -> Bool {
        let result = try run("erase", input: Array(serverURL.utf8))
        if result.exitStatus == 0 { return true }
        if isNotFound(result) { return false }
        throw failure("erase", result)
    }

    /// The program's path: the first executable `docker-credential-NAME` on `PATH`.
    public func executablePath() throws -> String {
        guard !name.isEmpty, !name.contains("/") else {
            throw ManifoldError(.invalidArgument, "\(configuredIn): credential helper name \(quoted(name)) is not a plain name")
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + programName
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw ManifoldError(
            .absent,
            "credential helper \(programName) (named in \(configuredIn)) is not an executable file on $PATH")
    }

    private func run(_ action: String, input: [UInt8]) throws -> HelperProcess.Result {
        let process = HelperProcess(
            path: try executablePath(), arguments: [action], environment: environment.variables,
            outputLimit: Self.outputLimit, timeout: timeout)
        do {
            return try process.run(input: input)
        } catch let error as ManifoldError {
            throw error.prefixed("credential helper \(programName) \(action)")
        }
    }

    private func isNotFound(_ result: HelperProcess.Result) -> Bool {
        let text = String(decoding: result.output + result.errorOutput, as: UTF8.self)
        return text.contains(Self.notFoundMessage)
    }

    private func failure(_ action: String, _ result: HelperProcess.Result) -> ManifoldError {
        let said = String(decoding: result.errorOutput.isEmpty ? result.output : result.errorOutput, as: UTF8.self)
        let trimmed = said.split(whereSeparator: \.isNewline).prefix(3).joined(separator: " ")
        let ending = result.exitStatus.map { "exit status \($0)" } ?? "killed by a signal"
        return ManifoldError(
            .unreadable,
            "credential helper \(programName) \(action) failed (\(ending))\(trimmed.isEmpty ? "" : ": \(quoted(trimmed, limit: 200))")")
    }
}
