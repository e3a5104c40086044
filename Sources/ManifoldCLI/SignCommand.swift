import ArgumentParser
import Manifold

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign an image in an OCI layout or oci-archive with a private key, as cosign signs with --key.",
        usage: "manifold sign --key <priv.pem> [--referrer] [-o <out.tar> [--force]] <image>",
        discussion: HelpText.reflow("""
            Writes a cosign simple-signing signature of IMAGE's manifest (or index) into its
            layout: a payload naming the digest, signed with KEY (an unencrypted PEM PKCS#8
            ECDSA P-256/P-384, RSA or Ed25519 private key; ECDSA and RSA PKCS#1 v1.5 sign
            SHA-256). By default it goes under cosign's tag scheme: a manifest tagged
            sha256-<hex>.sig in index.json, a layer per signature (a signature is added to those
            already there). With --referrer it is an OCI 1.1 referrer instead: a manifest of
            artifactType application/vnd.dev.cosign.artifact.sig.v1+json whose subject is the
            image, listed in index.json. In a layout, new blobs are written whole, then
            index.json is replaced in one rename. An oci-archive is written anew beside itself
            (every member kept, the new blobs and index.json added) and renamed over the old
            one, so it is never a partial file; with -o OUT the signed archive goes to OUT
            instead (an existing OUT is replaced only with --force). Two runs on one image at
            once take turns: both signatures land. `manifold verify --key PUB` and cosign check it.

            Encrypted cosign keys cannot be read: convert one with
            `openssl pkey -in enc.pem -out key.pem`, or generate a key with openssl genpkey.

            Exit 0 when the signature was written, 1 when a signature manifest already there is
            corrupt, 2 when it could not be written (key, layout).

            Examples:
              openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem
              openssl pkey -in key.pem -pubout -out key.pub
              manifold sign --key key.pem ./layout:1.0
              manifold sign --key key.pem image.tar
              manifold sign --key key.pem -o signed.tar image.tar
              manifold sign --key key.pem --referrer --sign-container-identity registry.example/app ./layout
              manifold verify --key key.pub ./layout:1.0
            """))

    @Argument(help: "The image: an OCI layout directory or oci-archive, [oci:|oci-archive:]PATH[:TAG|@DIGEST].")
    var image: String

    @Option(name: .customLong("key"), help: "The PEM private key to sign with (unencrypted PKCS#8).")
    var keyPath: String

    @Flag(help: "Write an OCI 1.1 referrer (subject + artifactType) instead of a sha256-<hex>.sig tag.")
    var referrer = false

    @Option(name: .customLong("sign-container-identity"),
            help: "The payload's docker-reference, as cosign's flag names it (default: the layout directory's name).")
    var identity: String?

    @Option(name: .shortAndLong, help: "An oci-archive: write the signed archive here instead of over the original.")
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    @OptionGroup var limits: ImageLimitOptions

    func validate() throws {
        if let identity, identity.isEmpty { throw ValidationError("--sign-container-identity cannot be empty") }
        if output?.isEmpty == true || output == "-" { throw ValidationError("--output must name a file (a signed archive is renamed into place, not streamed)") }
        if force, output == nil { throw ValidationError("--force replaces the --output file; without --output the archive or layout is signed in place") }
    }

    func run() throws {
        do {
            var options = SignOptions(image: try LocalImageReference(parsing: image), key: try SigningKey(contentsOf: keyPath))
            options.identity = identity
            options.placement = referrer ? .referrer : .tag
            options.limits = limits.limits
            options.output = output
            options.force = force
            let result = try ImageSigner(options: options).sign()
            let placed = result.tag.map { "tagged \($0)" } ?? "referrer of \(result.signed)"
            Terminal.output("signed \(result.signed) as \(result.identity) with \(keyPath): \(result.signatureManifest) \(placed) (\(result.signatures) signature\(result.signatures == 1 ? "" : "s"))")
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            // A signature manifest already there that does not match its digest is content
            // that is wrong (1); anything else is a run that could not be done (2).
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
    }
}
