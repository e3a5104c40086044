import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold
import ManifoldRegistry

struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Check credentials against a registry and save them where skopeo and podman read them.",
        usage: "manifold login [<options>] <host>",
        discussion: HelpText.reflow("""
            The credentials are tried on the registry's /v2/ first (Basic, or a token from its
            token server) and saved only when it accepts them: in the --authfile, else
            $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json, as `skopeo login`
            does (or in the credential helper that file's credHelpers names for HOST).
            HOST may be HOST/PATH to save credentials for one namespace only.

            Examples:
              manifold login -u me registry.example.com
              echo "$TOKEN" | manifold login -u me --password-stdin localhost:5000
            """))

    @Argument(help: "The registry: HOST[:PORT], or HOST[:PORT]/PATH.")
    var host: String

    @Option(name: .shortAndLong, help: "The user name (asked for when left out).")
    var username: String?

    @Flag(help: "Read the password from standard input (one line).")
    var passwordStdin = false

    @Option(help: ArgumentHelp("The credentials file to write (default: as skopeo).", valueName: "file"))
    var authfile: String?

    @Option(name: .customLong("cert-dir"), help: ArgumentHelp("Directory of the registry's CA and client certificate.", valueName: "dir"))
    var certDir: String?

    @Option(name: .customLong("tls-verify"), help: ArgumentHelp("Verify the registry's TLS certificate.", valueName: "bool"))
    var tlsVerify: Bool = true

    func run() throws {
        do {
            let key = try CredentialStore.loginKey(host)
            guard let user = try username ?? Self.prompt("Username: ") else {
                throw ValidationError("give -u USER (no terminal to ask on)")
            }
            let password: String
            if passwordStdin {
                var line = readLine(strippingNewline: true) ?? ""
                if line.hasSuffix("\r") { line.removeLast() }
                password = line
            } else {
                guard isatty(0) == 1, let typed = getpass("Password: ") else {
                    throw ValidationError("give --password-stdin (no terminal to ask for the password on)")
                }
                password = String(cString: typed)
            }
            let credential = RegistryCredential(username: user, password: password, source: "login")
            let options = RegistryOptions(authFile: authfile, certDirectory: certDir, verifiesTLS: tlsVerify)
            let registry = String(key.prefix { $0 != "/" })
            try options.checkLogin(host: registry, credential: credential)
            let place = try options.credentialStore.login(key: key, username: user, password: password)
            Terminal.output("Login Succeeded! (saved in \(place))")
        } catch let error as ValidationError {
            throw error
        } catch {
            throw registryFailure(error, about: host)
        }
    }

    static func prompt(_ text: String) throws -> String? {
        guard isatty(0) == 1 else { return nil }
        Terminal.errorRaw(text)
        return readLine(strippingNewline: true)
    }
}
