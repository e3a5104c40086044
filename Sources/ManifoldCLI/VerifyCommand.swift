import ArgumentParser
import Manifold
import ManifoldRegistry

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove offline that an image is what its manifests claim: every platform, every byte.",
        usage: "manifold verify [<options>] <image> ...",
        discussion: HelpText.reflow("""
            IMAGE is an OCI layout directory, an oci-archive tar, or a `docker save` tar (any
            Docker version, including the containerd store); the kind is detected. Every image
            it holds is verified; IMAGE:TAG or IMAGE@sha256:… verifies only the one named.
            skopeo's oci:, oci-archive: and docker-archive: prefixes are accepted. docker://REF
            verifies an image on a registry as it streams, writing nothing to disk (the registry
            flags say how to reach it).

            Checked: every descriptor's size and digest; every index, manifest and config decoded
            strictly (ambiguous documents, case-variant keys, duplicate keys, invalid UTF-8 are
            errors); each config's platform against its index entry; each layer decompressed by
            its media type and its digest compared with the config's diff_id. Blobs shared by
            platforms are read once.

            Foreign layers absent from the image are reported unverified and never fetched. Blobs
            absent from a sparse archive fail the image unless --allow-sparse.

            Signatures, attestations and SBOMs attached to an image (cosign's sha256-<hex>.sig
            tags, `cosign save` layouts, OCI 1.1 referrers, buildx attestation manifests) are
            verified byte for byte, shown under what they sign or attest, and not counted as
            platforms. With --key (a PEM public key, repeatable; ECDSA P-256/P-384, RSA, Ed25519)
            each image's top manifest or index must carry a cosign signature that one of the keys
            verifies over the payload's exact bytes, and whose payload names that manifest's
            digest; --require-signature every-platform asks the same of each platform manifest.
            Offline: the transparency log (Rekor) is not consulted, and keyless (Fulcio
            certificate) signatures cannot be verified.

            With --trust-policy (a Notation trustpolicy.json) and --trust-store (its trust
            store directory, x509/ca/<name>/*.pem) Notation JWS signatures are verified: the
            signature by the leaf of its x5c chain, the payload naming the signed manifest, key
            usage digitalSignature and codeSigning, the chain to a trusted CA, the signer among
            the trusted identities, signing time within each certificate's validity, expiry.
            Under levels strict and permissive each image's top manifest needs such a
            signature; audit logs what fails. Revocation is not checked offline; COSE
            envelopes are reported unsupported. A registryScopes entry is matched against a
            docker:// image's repository, or a file's first tag that names a registry
            (registry.example/app:1.0); otherwise only "*" matches.

            Exit 0 when everything verified, 1 when any check failed (or a digest algorithm cannot
            be computed), 2 when an input cannot be used (a blob that cannot be read included).
            With several images, 1 wins over 2: a failure is never hidden by another image's
            usage error.

            Examples:
              manifold verify image.tar
              manifold verify --platform linux/arm64 ./oci-layout
              manifold verify --json image.tar > report.json
              manifold verify docker://localhost:5000/app:1.0
              manifold verify --key cosign.pub ./saved-by-cosign
              manifold verify --trust-policy trustpolicy.json --trust-store ~/.config/notation/truststore ./oci-layout
            """))

    @Argument(help: "Images to verify: PATH, PATH:TAG, PATH@DIGEST, docker://REF.")
    var images: [String]

    @Option(name: .customLong("platform"), parsing: .singleValue,
            help: ArgumentHelp("Verify only this platform (os/arch[/variant]); repeatable.", valueName: "platform"))
    var platformFilters: [String] = []

    @Flag(help: "Check sizes and compressed digests only (no decompression, no diff_ids).")
    var shallow = false

    // One blob's pipeline keeps about 1.5 cores busy (inflate is the slow stage), so one
    // more blob than cores fills the machine, most of all in the tail of a run.
    // Optional so that help shows the rule, not this machine's count, as the default.
    @Option(help: "Blobs to check at once (default: the number of cores + 1).")
    var jobs: Int?

    @Flag(help: "Print a JSON report (documented in docs/verify-json.md) instead of the tree.")
    var json = false

    @Flag(help: "Accept blobs absent from the image as unverified (containerd-store archives).")
    var allowSparse = false

    @Flag(name: .shortAndLong, help: "Print only failures and the summary line.")
    var quiet = false

    @Option(name: .customLong("key"), parsing: .singleValue,
            help: ArgumentHelp("A PEM public key each image needs a valid signature by (any one of those given); repeatable.",
                               valueName: "pub.pem"))
    var keyPaths: [String] = []

    @Option(help: ArgumentHelp("With --key: which manifests need a signature: top (each image's top manifest or index) or every-platform.",
                               valueName: "top|every-platform"))
    var requireSignature: String?

    @Option(help: ArgumentHelp("A Notation trustpolicy.json (v1.0): Notation signatures are verified by it (with --trust-store).",
                               valueName: "trustpolicy.json"))
    var trustPolicy: String?

    @Option(help: ArgumentHelp("A Notation trust store directory (x509/ca/<name>/*.pem) for --trust-policy.", valueName: "dir"))
    var trustStore: String?

    @Option(help: .hidden)
    var gzipBackend: String = "isal"

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options (docker://)") var registry: RegistryFlags

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one IMAGE") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        for filter in platformFilters { _ = try parsePlatform(filter) }
        guard GzipBackend(rawValue: gzipBackend) != nil else { throw ValidationError("--gzip-backend is isal or zlib") }
        if let requireSignature {
            guard SignatureRequirement(rawValue: requireSignature) != nil else {
                throw ValidationError("--require-signature is top or every-platform, got \(requireSignature)")
            }
            guard !keyPaths.isEmpty else { throw ValidationError("--require-signature goes with --key") }
        }
        if (trustPolicy == nil) != (trustStore == nil) {
            throw ValidationError("--trust-policy and --trust-store go together")
        }
    }

    func run() throws {
        var options = VerifyOptions()
        options.platforms = try platformFilters.map(parsePlatform)
        options.shallow = shallow
        options.jobs = jobs ?? activeCores() + 1
        options.allowSparse = allowSparse
        options.limits = limits.limits
        options.gzipBackend = GzipBackend(rawValue: gzipBackend) ?? .isal
        options.requireSignature = requireSignature.flatMap(SignatureRequirement.init(rawValue:)) ?? .top
        do {
            options.keys = try keyPaths.map { try VerificationKey(contentsOf: $0) }
            if let trustPolicy, let trustStore {
                options.notation = try NotationTrust(policyFile: trustPolicy, storeDirectory: trustStore)
            }
        } catch let error as ManifoldError {
            // A key that cannot be used is a run that cannot be done (exit 2), before any image is read.
            Terminal.error(error.message)
            throw ExitCode(ExitStatus.unusable)
        }
        let verifier = Verifier(options: options)

        var reports: [VerificationReport] = []
        for image in images {
            // A registry image shows each blob under way too (TransferBoard), a file the total.
            let remote = image.hasPrefix(RegistryReference.transportPrefix)
            let shows = !json && Terminal.stderrIsTerminal
            let board: TransferBoard? = shows && remote ? TransferBoard(label: image) : nil
            let line: ProgressLine? = shows && !remote ? ProgressLine(label: image) : nil
            var progress: (@Sendable (UInt64, UInt64) -> Void)?
            if let line { progress = { done, total in line.update(done, total) } }
            if let board { progress = { done, total in board.total(done, total) } }
            let report = remote
                ? verifyRegistry(image, verifier: verifier, progress: progress, board: board)
                : verifier.verify(parsing: image, progress: progress)
            line?.clear()
            board?.clear()
            reports.append(report)
            if !json { Terminal.output(VerifyPrinter(report: report, quiet: quiet).text) }
        }
        if json { Terminal.outputRaw(VerifyJSON.document(reports)) }
        let status = ExitStatus.combined(reports.map { report -> Int32 in
            switch report.status {
            case .verified: ExitStatus.ok
            case .failed: ExitStatus.failed
            case .unusable: ExitStatus.unusable
            }
        })
        if status != ExitStatus.ok { throw ExitCode(status) }
    }
}

extension VerifyCommand {
    /// Verifies `docker://REF` through the registry provider; a reference or flag that cannot
    /// be used is an unusable report, as an unreadable file is.
    func verifyRegistry(_ image: String, verifier: Verifier, progress: (@Sendable (UInt64, UInt64) -> Void)?,
                        board: TransferBoard? = nil) -> VerificationReport {
        do {
            var blobProgress: RegistryContentProvider.BlobProgress?
            if let board { blobProgress = { digest, done, size in board.blob(digest, done, size) } }
            // With --key or a trust policy, the image's .sig tag and referrers are fetched and
            // checked with it; with every-platform, each platform manifest's too.
            var attached = AttachedListing.none
            if !verifier.options.keys.isEmpty || verifier.options.notation != nil {
                attached = verifier.options.requireSignature == .everyPlatform ? .everyPlatform : .top
            }
            if let (source, selection) = try registrySource(image, flags: registry, blobProgress: blobProgress,
                                                            listsAttached: attached) {
                return verifier.verify(source, reference: selection, progress: progress)
            }
        } catch {
            let failure = error as? ManifoldError ?? ManifoldError(.invalidArgument, "\(error)")
            return verifier.verify(UnopenedSource(location: image, error: failure), reference: LocalImageReference(path: image))
        }
        return verifier.verify(parsing: image, progress: progress)
    }
}

/// Parses `--platform`, turning a bad value into a usage error.
func parsePlatform(_ text: String) throws -> Platform {
    do {
        return try Platform(parsing: text)
    } catch let error as ManifoldError {
        throw ValidationError(error.message)
    }
}
