import ArgumentParser
import ManifoldRegistry

/// copy's registry flags: one set for each side, as skopeo names them (`--src-creds`,
/// `--dest-tls-verify=false`…), and one `--timeout` for the run.
struct CopyRegistryFlags: ParsableArguments {
    @Option(name: .customLong("src-authfile"), help: ArgumentHelp("Credentials file for the source registry.", valueName: "file"))
    var srcAuthfile: String?
    @Option(name: .customLong("src-creds"), help: ArgumentHelp("Credentials for the source registry: USER[:PASS].", valueName: "user[:pass]"))
    var srcCreds: String?
    @Option(name: .customLong("src-cert-dir"), help: ArgumentHelp("Directory of the source registry's CAs and client certificate.", valueName: "dir"))
    var srcCertDir: String?
    @Option(name: .customLong("src-tls-verify"), help: ArgumentHelp("Verify the source registry's TLS certificate.", valueName: "bool"))
    var srcTLSVerify: Bool = true

    @Option(name: .customLong("dest-authfile"), help: ArgumentHelp("Credentials file for the destination registry.", valueName: "file"))
    var destAuthfile: String?
    @Option(name: .customLong("dest-creds"), help: ArgumentHelp("Credentials for the destination registry: USER[:PASS].", valueName: "user[:pass]"))
    var destCreds: String?
    @Option(name: .customLong("dest-cert-dir"), help: ArgumentHelp("Directory of the destination registry's CAs and client certificate.", valueName: "dir"))
    var destCertDir: String?
    @Option(name: .customLong("dest-tls-verify"), help: ArgumentHelp("Verify the destination registry's TLS certificate.", valueName: "bool"))
    var destTLSVerify: Bool = true

    @Option(help: ArgumentHelp("Give up talking to the registries after this long in all (30s, 5m, 1h30m).", valueName: "duration"))
    var timeout: String?

    func validate() throws {
        for creds in [srcCreds, destCreds].compactMap({ $0 }) { _ = try RegistryFlags.parseCreds(creds) }
        if let timeout { _ = try DurationText.parse(timeout, option: "--timeout") }
    }

    func source() throws -> RegistryOptions {
        try RegistryFlags.options(authfile: srcAuthfile, creds: srcCreds, credsFlag: "--src-creds", certDir: srcCertDir,
                                  tlsVerify: srcTLSVerify, timeout: timeout)
    }

    func destination() throws -> RegistryOptions {
        try RegistryFlags.options(authfile: destAuthfile, creds: destCreds, credsFlag: "--dest-creds", certDir: destCertDir,
                                  tlsVerify: destTLSVerify, timeout: timeout)
    }

    /// The source's flags as pull's `RegistryFlags` (for a copy into a local image).
    func sourceFlags() throws -> RegistryFlags {
        var arguments: [String] = []
        if let srcAuthfile { arguments += ["--authfile", srcAuthfile] }
        if let srcCreds { arguments += ["--creds", srcCreds] }
        if let srcCertDir { arguments += ["--cert-dir", srcCertDir] }
        arguments += ["--tls-verify", srcTLSVerify ? "true" : "false"]
        if let timeout { arguments += ["--timeout", timeout] }
        return try RegistryFlags.parse(arguments)
    }
}
