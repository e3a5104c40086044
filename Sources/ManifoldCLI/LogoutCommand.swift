import ArgumentParser
import Manifold
import ManifoldRegistry

struct LogoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Remove the credentials saved for a registry.",
        usage: "manifold logout [<options>] <host>",
        discussion: HelpText.reflow("""
            Removes HOST's entry from the file `login` writes (--authfile, else as skopeo), and
            from the credential helper that file names for HOST. Exit 2 when there was none.

            Example:
              manifold logout localhost:5000
            """))

    @Argument(help: "The registry: HOST[:PORT], or HOST[:PORT]/PATH.")
    var host: String

    @Option(help: ArgumentHelp("The credentials file (default: as skopeo).", valueName: "file"))
    var authfile: String?

    func run() throws {
        do {
            let key = try CredentialStore.loginKey(host)
            let place = try CredentialStore(authFile: authfile).logout(key: key)
            Terminal.output("Removed login credentials for \(key) from \(place)")
        } catch {
            throw registryFailure(error, about: host)
        }
    }
}
