import ArgumentParser
import Manifold
import ManifoldRegistry

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image between registries and files, with all its platforms, verifying every byte.",
        usage: "manifold copy [<options>] <source> <destination>",
        discussion: HelpText.reflow("""
            SOURCE and DESTINATION are each a registry (docker://REF) or a local image (an
            OCI layout directory or an oci-archive, PATH[:TAG]): copy is the one verb for
            every direction, pull and push are its common cases. Every platform is copied
            (--all, the default), and the index keeps its digest; with --platform, a new
            index listing only those platforms is written, and its new digest is shown.

            Registry to registry, each blob streams from the source's connection through the
            checks (digest, diff_id) to the destination's upload, never touching the disk;
            between two repositories of one registry, blobs are mounted (no bytes move). A
            blob the destination has is not read. The manifests are written once every blob
            passed, children first, the tag last.

            With --all-tags, SOURCE and DESTINATION are two repositories (no tag): every tag
            of the source is copied to the destination under the same name, one image after
            another in this one process (each with --jobs blobs at once). A blob an earlier
            image sent is found at the destination and not sent again, so shared base layers
            move once. Cosign's sha256-….sig/.att/.sbom tags are not copied as images of their
            own: they go with the image they sign (or stay behind, --remove-signatures). A
            failed image is reported and the others are still copied; the exit status is the
            worst (1 before 2).

            Flags for each side as skopeo names them: --src-creds, --src-authfile,
            --src-cert-dir, --src-tls-verify, and --dest-… for the destination.

            Exit 0 when copied, 1 when a check failed (nothing was published), 2 when either
            side cannot be used.

            Examples:
              manifold copy docker://registry-a.example/app:1.0 docker://registry-b.example/app:1.0
              manifold copy docker://localhost:5000/app:1.0 docker://localhost:5000/mirror/app:1.0
              manifold copy --platform linux/arm64 docker://localhost:5000/app:1.0 docker://localhost:5000/app:1.0-arm64
              manifold copy app.tar docker://localhost:5000/app:1.0
              manifold copy docker://localhost:5000/app:1.0 app-copy.tar
              manifold copy --all-tags --jobs 16 docker://registry-a.example/app docker://registry-b.example/app
            """))

    @Argument(help: "docker://REF, or PATH, PATH:TAG, PATH@DIGEST.")
    var source: String

    @Argument(help: "docker://REF, or PATH (a directory, or a .tar).")
    var destination: String

    @Flag(help: "Copy every platform (the default; accepted as skopeo spells it).")
    var all = false

    @Flag(help: "Copy every tag of the SOURCE repository to the DESTINATION repository (both docker://, no tag), in one process.")
    var allTags = false

    @Option(name: .customLong("platform"), parsing: .singleValue,
            help: ArgumentHelp("Copy only this platform (os/arch[/variant]); repeatable. The index is rewritten.", valueName: "platform"))
    var platformFilters: [String] = []

    @Option(name: .customLong("tag"), parsing: .singleValue, help: ArgumentHelp("Also tag the copy so (registry destination); repeatable.", valueName: "tag"))
    var tags: [String] = []

    @Option(help: "Blobs to copy at once (default: the number of cores + 1).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Write the copied image's digest to this file.", valueName: "file"))
    var digestfile: String?

    @Flag(help: "Replace a local destination or the --digestfile if it exists.")
    var force = false

    @Flag(help: "Print verify's JSON report, with a `push` (or `output`) member.")
    var json = false

    @OptionGroup(title: "Compression (a Docker ≤ 24 save's layers)") var compression: CompressionFlags

    @Flag(help: "Also read and check (diff_ids included) the blobs the destination already holds or mounts; none of their bytes is sent. Without it they are checked by digest only, and the summary says how many.")
    var verifyPresent = false

    @Flag(name: .shortAndLong, help: "Print only failures and the summary; no progress.")
    var quiet = false

    @Flag(help: "Leave the image's signatures behind (its cosign .sig/.att/.sbom tags and referrers), as skopeo names it.")
    var removeSignatures = false

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options") var registry: CopyRegistryFlags

    func validate() throws {
        if allTags { try validateAllTags() }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if all, !platformFilters.isEmpty { throw ValidationError("--all and --platform: give one") }
        for filter in platformFilters { _ = try parsePlatform(filter) }
        if destination.hasPrefix(RegistryReference.transportPrefix) {
            _ = try PushRun.destination(destination, extraTags: tags)
        } else if !tags.isEmpty {
            throw ValidationError("--tag names a registry destination's tags; a local destination is named PATH:TAG")
        }
    }

    func run() throws {
        if allTags { return try copyAllTags() }
        guard destination.hasPrefix(RegistryReference.transportPrefix) else { return try copyToLocal() }
        let (reference, tags) = try PushRun.destination(destination, extraTags: tags)
        let options = try PushOptions.fromFlags(
            tags: tags, platforms: platformFilters, jobs: jobs, limits: limits.limits, verifyPresent: verifyPresent,
            compression: compression, removeSignatures: removeSignatures)
        let push = PushRun(destination: reference, options: options, json: json, quiet: quiet, digestFile: digestfile, force: force)
        let opened: (source: any ContentProvider, reference: LocalImageReference)
        let sink: RegistryContentSink
        do {
            let remote = try RegistryReference(parsingTransport: source)
            if let remote {
                let provider = try registry.source().provider(for: remote, listsAttached: removeSignatures ? .none : .carried)
                let tag = remote.digest == nil ? (remote.tag ?? RegistryReference.defaultTag) : nil
                opened = (provider, LocalImageReference(path: provider.location, tag: tag, digest: remote.digest))
            } else {
                let local = try LocalImageReference(parsing: source)
                opened = (try local.open(limits: options.verify.limits), local)
            }
            // Within one registry, blobs are mounted from the source's repository.
            sink = try registry.destination().sink(for: reference.repository, mountSource: remote?.repository)
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        try push.run(opened.source, reference: opened.reference, sink: sink, label: source)
    }

    /// A local destination: what `pull` does.
    private func copyToLocal() throws {
        var arguments = [source, "-o", destination]
        for platform in platformFilters { arguments += ["--platform", platform] }
        if let jobs { arguments += ["--jobs", "\(jobs)"] }
        if force { arguments.append("--force") }
        if json { arguments.append("--json") }
        if quiet { arguments.append("--quiet") }
        if removeSignatures { arguments.append("--remove-signatures") }
        if digestfile != nil {
            throw ValidationError("--digestfile applies to a registry destination")
        }
        var pull = try PullCommand.parse(arguments)
        pull.limits = limits
        pull.registry = try registry.sourceFlags()
        try pull.run()
    }
}

extension CopyCommand {
    /// --all-tags: two registry repositories, named without a tag or digest; nothing that
    /// names one image (--tag, --digestfile).
    func validateAllTags() throws {
        for (text, side) in [(source, "SOURCE"), (destination, "DESTINATION")] {
            guard let reference = try? RegistryReference(parsingTransport: text), reference.tag == nil, reference.digest == nil else {
                throw ValidationError("--all-tags: \(side) is a registry repository without a tag or digest (docker://HOST/REPOSITORY), got \(text)")
            }
        }
        if !tags.isEmpty || digestfile != nil { throw ValidationError("--all-tags copies many images: --tag and --digestfile name one") }
    }

    /// Whether `tag` is one of cosign's tags for what is attached to an image
    /// (`sha256-<hex>`, `.sig`, `.att`, `.sbom`): copied with its image, not as one.
    static func isAttachmentTag(_ tag: String) -> Bool {
        guard tag.hasPrefix("sha256-") else { return false }
        var hex = tag.dropFirst("sha256-".count)
        for suffix in [".sig", ".att", ".sbom"] where hex.hasSuffix(suffix) { hex = hex.dropLast(suffix.count) }
        return hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Every tag of the source repository to the destination repository, one image after
    /// another; the exit status is the worst of them. `--json`: one document,
    /// `{"images": [each image's push document, with its "tag"], "retries": N, "resumed": N}`.
    func copyAllTags() throws {
        let statuses: [Int32]
        var documents: [JSONValue] = []
        var retries = 0, resumed = 0
        do {
            guard let sourceRepository = try RegistryReference(parsingTransport: source)?.repository,
                  let destinationRepository = try RegistryReference(parsingTransport: destination)?.repository else {
                throw ManifoldError(.internalFailure, "--all-tags: a repository was not parsed")
            }
            let sourceOptions = try registry.source(), destinationOptions = try registry.destination()
            let tags = try sourceOptions.tags(sourceRepository).filter { !Self.isAttachmentTag($0) }
            guard !tags.isEmpty else { throw ManifoldError(.absent, "\(sourceRepository.canonical): no tag to copy") }
            let options = try PushOptions.fromFlags(
                tags: [], platforms: platformFilters, jobs: jobs, limits: limits.limits, verifyPresent: verifyPresent,
                compression: compression, removeSignatures: removeSignatures)
            var collected: [Int32] = []
            for tag in tags {
                let from = try RegistryReference(parsing: "\(sourceRepository.description):\(tag)")
                let to = try RegistryReference(parsing: "\(destinationRepository.description):\(tag)")
                var image = options
                image.tags = [tag]
                let push = PushRun(destination: to, options: image, json: json, quiet: quiet, digestFile: nil, force: force)
                do {
                    let provider = try sourceOptions.provider(for: from, listsAttached: removeSignatures ? .none : .carried)
                    let sink = try destinationOptions.sink(for: destinationRepository, mountSource: sourceRepository)
                    let (result, document) = try push.publish(
                        provider, reference: LocalImageReference(path: provider.location, tag: tag, digest: nil), sink: sink,
                        label: RegistryReference.transportPrefix + from.description)
                    if json {
                        var fields = JSONObject([("tag", .string(tag))])
                        if case .object(let object) = document { fields.members += object.members }
                        documents.append(.object(fields))
                        if case .object(let pushed)? = fields["push"] {
                            if case .number(let count)? = pushed["retries"] { retries += Int(count) ?? 0 }
                            if case .number(let count)? = pushed["resumed"] { resumed += Int(count) ?? 0 }
                        }
                    } else {
                        if result.report.status != .verified { Terminal.output(VerifyPrinter(report: result.report, quiet: quiet).text) }
                        Terminal.output(push.summary(result))
                    }
                    collected.append(result.report.status == .verified ? ExitStatus.ok
                                     : result.report.status == .failed ? ExitStatus.failed : ExitStatus.unusable)
                } catch let error as ManifoldError {
                    // This image's error; the others are still copied.
                    Terminal.error("\(tag): \(error.message)")
                    collected.append(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
                } catch let exit as ExitCode {
                    collected.append(exit.rawValue)
                }
            }
            statuses = collected
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        if json {
            Terminal.output(JSONWriter(indent: "  ", sortKeys: false).string(.object(JSONObject([
                ("images", .array(documents)), ("retries", .number("\(retries)")), ("resumed", .number("\(resumed)")),
            ]))))
        } else if statuses.count > 1 {
            let copied = statuses.filter { $0 == ExitStatus.ok }.count
            Terminal.output("copied \(copied) of \(counted(statuses.count, "image")) to \(destination)")
        }
        let status = ExitStatus.combined(statuses)
        if status != ExitStatus.ok { throw ExitCode(status) }
    }
}
