import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold
import ManifoldRegistry

/// The registry flags every command that reads a registry shares, as skopeo spells them.
struct RegistryFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Registry credentials file (default: skopeo's and podman's search order).", valueName: "file"))
    var authfile: String?

    @Option(help: ArgumentHelp("Credentials for the registry: USER[:PASS] (asked for when PASS is left out).", valueName: "user[:pass]"))
    var creds: String?

    @Option(name: .customLong("cert-dir"), help: ArgumentHelp(
        "Directory of the registry's CAs (every *.crt, with the system's) and client certificate (*.cert, *.key), instead of /etc/containers/certs.d/HOST.",
        valueName: "dir"))
    var certDir: String?

    @Option(name: .customLong("tls-verify"), help: ArgumentHelp(
        "Verify the registry's TLS certificate (false also allows plain http; a registry on localhost may use it anyway).",
        valueName: "bool"))
    var tlsVerify: Bool = true

    @Option(help: ArgumentHelp(
        "Give up talking to the registry after this long in all (30s, 5m, 1h30m); default: no limit beyond the stall watchdog.",
        valueName: "duration"))
    var timeout: String?

    func validate() throws {
        if let creds { _ = try Self.parseCreds(creds) }
        if let timeout { _ = try DurationText.parse(timeout, option: "--timeout") }
    }

    /// When this run first asked for registry options (a static let is set on first use).
    private static let firstUse = ContinuousClock.now

    /// The options the library takes. Asks for a password `--creds` left out, on the terminal.
    func options() throws -> RegistryOptions {
        try Self.options(authfile: authfile, creds: creds, credsFlag: "--creds", certDir: certDir, tlsVerify: tlsVerify, timeout: timeout)
    }

    /// The library's options from the flags' values; `credsFlag` names where `creds` came
    /// from (`--creds`, `--src-creds`…), for messages.
    static func options(authfile: String?, creds: String?, credsFlag: String, certDir: String?, tlsVerify: Bool,
                        timeout: String?) throws -> RegistryOptions {
        var credential: RegistryCredential?
        if let creds {
            let (username, password) = try Self.parseCreds(creds)
            credential = RegistryCredential(username: username, password: try password ?? Self.askPassword(), source: credsFlag)
        }
        var options = RegistryOptions(authFile: authfile, credential: credential, certDirectory: certDir, verifiesTLS: tlsVerify)
        if let timeout {
            // One clock for the run, started when a registry is first used: several
            // docker:// inputs share the limit.
            options.deadline = RegistryDeadline(
                limit: try DurationText.parse(timeout, option: "--timeout"), label: "--timeout \(timeout)", from: Self.firstUse)
        }
        return options
    }

    static func parseCreds(_ text: String) throws -> (String, String?) {
        do {
            return try RegistryCredential.parseCreds(text)
        } catch let error as ManifoldError {
            throw ValidationError(error.message)
        }
    }

    /// A password typed on the terminal, not echoed; an error without a terminal.
    static func askPassword() throws -> String {
        guard isatty(0) == 1, let typed = getpass("Password: ") else {
            throw ValidationError("--creds: no password given and no terminal to ask for one (write USER:PASS)")
        }
        return String(cString: typed)
    }
}

/// Exits as a registry error deserves: 1 when content is not what it claims, else 2.
func registryFailure(_ error: any Error, about subject: String) -> ExitCode {
    let failure = error as? ManifoldError ?? ManifoldError(.unreadable, "\(error)")
    Terminal.error(failure.message, about: subject)
    // A repository or tag the registry does not have is an input that cannot be used.
    return ExitCode(failure.code.isContentFailure && failure.code != .absent ? ExitStatus.failed : ExitStatus.unusable)
}

/// A source that could not even be opened (its reference did not parse): every read throws
/// that error, so that verify reports it as it reports an unreadable file.
struct UnopenedSource: ContentProvider {
    let location: String
    let error: ManifoldError

    func roots() throws -> [ContentRoot] { throw error }
    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? { throw error }
    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? { throw error }
    func blob(_ descriptor: Descriptor) throws -> StoredFile? { throw error }
}

/// The registry provider for `docker://REF`, and the reference that selects its one image
/// (by the tag or digest its synthesized index names it with).
func registrySource(_ text: String, flags: RegistryFlags, blobProgress: RegistryContentProvider.BlobProgress? = nil,
                    listsAttached: AttachedListing = .none) throws
    -> (any ContentProvider, LocalImageReference)?
{
    guard let reference = try RegistryReference(parsingTransport: text) else { return nil }
    return try registrySource(reference, flags: flags, blobProgress: blobProgress, listsAttached: listsAttached)
}

/// The registry provider for a parsed reference, and the reference that selects its one image.
func registrySource(_ reference: RegistryReference, flags: RegistryFlags, blobProgress: RegistryContentProvider.BlobProgress? = nil,
                    listsAttached: AttachedListing = .none) throws
    -> (any ContentProvider, LocalImageReference)
{
    let provider = try flags.options().provider(for: reference, blobProgress: blobProgress, listsAttached: listsAttached)
    let tag = reference.digest == nil ? (reference.tag ?? RegistryReference.defaultTag) : nil
    let selection = LocalImageReference(
        path: RegistryReference.transportPrefix + reference.repository.description, tag: tag, digest: reference.digest)
    return (provider, selection)
}
