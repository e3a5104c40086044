import ArgumentParser
import Manifold
import ManifoldRegistry

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Copy an image to a layout or an oci-archive, verifying every byte as it is written.",
        usage: "manifold pull [<options>] <source> -o <out>",
        discussion: HelpText.reflow("""
            Everything `manifold verify` checks — every descriptor's size and digest, every
            document decoded strictly, every layer decompressed and its diff_id compared with
            the config — applied to the bytes as they are copied: one read of each blob feeds
            both the check and the copy. OUT appears, atomically, only when every check
            passed; otherwise nothing is written and the report names what failed (exit 1).

            SOURCE is a registry reference (docker://REF, or bare: [HOST[:PORT]/]NAME[:TAG]
            [@DIGEST], read from the registry unless a file of that name exists; text
            written like a path — starting with /, ./, ../ or ~, or ending in .tar, .tar.gz
            or .tgz — is never a registry reference), an OCI layout directory or an
            oci-archive, optionally SOURCE:TAG or SOURCE@sha256:… (skopeo's oci: and
            oci-archive: prefixes are accepted). All platforms are copied by default; with
            --platform, an index listing others is rewritten to list only the kept manifests
            (whose digests do not change), and the dropped platforms are named.

            OUT is a directory (an OCI layout) or, when its name ends in .tar or with
            --format tar, an oci-archive. It is never replaced without --force. Documents are
            written exactly as read; index.json lists the pulled image, named --tag TAG (or
            OUT:TAG, or skopeo's oci:OUT:TAG), else as the source names it. An OCI layout
            already at OUT is added to: the blobs it holds are read from it, not downloaded;
            the rest are added complete; index.json gains the image (replacing the entry of
            the same name, keeping the others byte for byte), renamed into place last.

            The image's signatures, attestations and SBOMs go with it, as `cosign save`
            writes them: each cosign sha256-….sig/.att/.sbom tag of the image and of every
            platform manifest pulled, under that name in index.json, and each referrer (the
            registry's referrers API, or its sha256-… tag-schema index), listed with its
            artifact type; their blobs are checked like any. `manifold verify OUT --key
            PUB` then checks them offline, and `manifold push OUT` publishes them again.
            --remove-signatures leaves them behind. With --platform, the index is rewritten
            (a new digest) and the signatures of the source's index, which do not sign it,
            stay behind (the summary says so); the kept platforms' go with them.

            Progress (per registry blob, and in total) is shown on stderr when it is a
            terminal, unless --quiet or --json.

            Exit 0 when everything verified and OUT was written, 1 when a check failed, 2 when
            SOURCE cannot be used or OUT cannot be written.

            Examples:
              manifold pull localhost:5000/app:1.0 -o app.tar
              manifold pull localhost:5000/app:1.1 -o images:app-1.1
              manifold pull ./layout:1.0 -o copy.tar
              manifold pull image.tar -o subset/ --platform linux/arm64
              manifold pull --json image.tar -o out.tar > report.json
            """))

    @Argument(help: "The image to copy: REF or docker://REF (a registry), PATH, PATH:TAG, PATH@DIGEST.")
    var source: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The image to write: a directory, or a tar (.tar); OUT:TAG names it TAG.", valueName: "OUT"))
    var output: String

    @Option(help: "The name index.json gives the pulled image (default: the source's).")
    var tag: String?

    @Option(name: .customLong("platform"), parsing: .singleValue,
            help: ArgumentHelp("Copy only this platform (os/arch[/variant]); repeatable.", valueName: "platform"))
    var platformFilters: [String] = []

    @Option(help: ArgumentHelp("dir (OCI layout) or tar (oci-archive); default from OUT's name.", valueName: "dir|tar"))
    var format: String?

    @Option(help: "Blobs to copy at once (default: the number of cores + 1).")
    var jobs: Int?

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    @Flag(help: "Leave the image's signatures behind (its cosign .sig/.att/.sbom tags and referrers), as skopeo names it.")
    var removeSignatures = false

    @Flag(help: "Print verify's JSON report, with an `output` member, instead of the tree.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print only failures and the summary lines; no progress.")
    var quiet = false

    @Option(help: .hidden)
    var gzipBackend: String = "isal"

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options") var registry: RegistryFlags

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let format, PullOptions.Format(rawValue: format) == nil { throw ValidationError("--format is dir or tar, got \(format)") }
        for filter in platformFilters { _ = try parsePlatform(filter) }
        guard GzipBackend(rawValue: gzipBackend) != nil else { throw ValidationError("--gzip-backend is isal or zlib") }
        do {
            try options().validate()
        } catch let error as ManifoldError {
            throw ValidationError(error.message)
        }
    }

    /// `OUT:TAG` when what follows the last colon (after the last slash) is a valid tag and
    /// OUT itself is not an existing path with that colon in its name.
    /// skopeo's `oci:OUT[:TAG]` and `oci-archive:OUT[:TAG]` are accepted, and say the format.
    private func splitOutput() -> (path: String, tag: String?) {
        var output = self.output
        if !pathExists(output), let prefix = ["oci:", "oci-archive:"].first(where: output.hasPrefix) {
            output.removeFirst(prefix.count)
        }
        guard !pathExists(output), let colon = output.lastIndex(of: ":"),
              output.lastIndex(of: "/").map({ $0 < colon }) ?? true
        else { return (output, nil) }
        let tag = String(output[output.index(after: colon)...])
        let path = String(output[..<colon])
        guard !path.isEmpty, (try? ImageTag.validate(tag, what: "tag")) != nil else { return (output, nil) }
        return (path, tag)
    }

    func options() throws -> PullOptions {
        let (path, outputTag) = splitOutput()
        if let outputTag, let tag, outputTag != tag {
            throw ValidationError("OUT:TAG names \(outputTag), --tag \(tag): give one")
        }
        var options = PullOptions(output: path)
        options.format = format.flatMap(PullOptions.Format.init(rawValue:))
        if options.format == nil, !pathExists(output) {
            if output.hasPrefix("oci:") { options.format = .dir }
            if output.hasPrefix("oci-archive:") { options.format = .tar }
        }
        options.tag = tag ?? outputTag
        options.force = force
        options.carriesSignatures = !removeSignatures
        options.verify.platforms = try platformFilters.map(parsePlatform)
        options.verify.jobs = jobs ?? activeCores() + 1
        options.verify.limits = limits.limits
        options.verify.gzipBackend = GzipBackend(rawValue: gzipBackend) ?? .isal
        return options
    }

    func run() throws {
        let options = try options()
        let result: PullResult
        var tally: TransferTally?
        do {
            // Progress only for a person watching: on a terminal, without --quiet or --json.
            let board: TransferBoard? = !json && !quiet && Terminal.stderrIsTerminal ? TransferBoard(label: self.source) : nil
            var blobProgress: RegistryContentProvider.BlobProgress?
            if let board { blobProgress = { digest, done, size in board.blob(digest, done, size) } }
            let (source, reference) = try PullSource.open(self.source, limits: options.verify.limits, registry: registry, blobProgress: blobProgress,
                                                          listsAttached: removeSignatures ? .none : .carried)
            tally = (source as? RegistryContentProvider)?.client.tally
            var progress: (@Sendable (UInt64, UInt64) -> Void)?
            if let board { progress = { done, total in board.total(done, total) } }
            defer { board?.clear() }
            result = try ImagePuller(options: options).pull(source, reference: reference, progress: progress)
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        if json {
            var root = VerifyJSON.root([result.report])
            root.members.append(("output", Self.outputJSON(result, transfers: tally?.byDigest ?? [:])))
            Terminal.output(JSONWriter(indent: "  ", sortKeys: false).string(.object(root)))
        } else {
            Terminal.output(VerifyPrinter(report: result.report, quiet: quiet).text)
            Terminal.output(Self.summary(result, path: options.output))
        }
        switch result.report.status {
        case .verified: return
        case .failed: throw ExitCode(ExitStatus.failed)
        case .unusable: throw ExitCode(ExitStatus.unusable)
        }
    }

    /// What was written, after verify's report.
    static func summary(_ result: PullResult, path: String) -> String {
        guard let output = result.output else { return "nothing written to \(path)" }
        var lines: [String] = []
        if !result.dropped.isEmpty { lines.append("dropped by --platform: \(result.dropped.joined(separator: ", "))") }
        for rewrite in result.rewritten {
            lines.append("index \(rewrite.from.digest.abbreviated)… rewritten without them: \(rewrite.to.digest)")
        }
        let kind = result.format == .tar ? "oci-archive" : result.addedTo ? "OCI layout, added to" : "OCI layout"
        var reused = result.addedTo ? " (\(result.reused) there already)" : ""
        if result.recovered > 0 { reused += " (\(result.recovered) taken from an interrupted pull, checked again)" }
        lines.append("pulled into \(output) (\(kind)): \(counted(result.roots.count, "image")), \(counted(result.blobCount, "blob"))\(reused), \(formatBytes(result.byteCount)) in \(formatDecimal(result.seconds, places: 2)) s")
        for artifact in result.attached {
            // Named as index.json lists it: a cosign tag, a referrer, or cosign save's kind.
            let name = artifact.referenceName ?? (artifact.artifactType != nil ? "referrer" : artifact.annotations?["kind"] ?? "attached")
            lines.append("with it: \(name) \(artifact.digest)")
        }
        if !result.leftBehind.isEmpty {
            let why = result.rewritten.isEmpty ? "--platform left it out" : "--platform rewrote the index to a new digest, and left platforms out"
            lines.append("left behind, as what they sign is not in the output (\(why)): "
                + result.leftBehind.map { $0.referenceName ?? $0.digest.description }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// `transfers`: the blobs whose downloads were sent again or resumed.
    static func outputJSON(_ result: PullResult, transfers: [Digest: TransferTally.Counts] = [:]) -> JSONValue {
        guard let output = result.output else { return .null }
        return .object(JSONObject([
            ("path", .string(output)),
            ("format", .string(result.format.rawValue)),
            ("roots", .array(result.roots.map(\.json))),
            ("attached", .array(result.attached.map(\.json))),
            ("leftBehind", .array(result.leftBehind.map(\.json))),
            ("rewritten", .array(result.rewritten.map { rewrite in
                .object(JSONObject([("from", .string(rewrite.from.digest.description)), ("to", .string(rewrite.to.digest.description))]))
            })),
            ("dropped", .array(result.dropped.map(JSONValue.string))),
            ("blobs", .number("\(result.blobCount)")),
            ("addedTo", .bool(result.addedTo)),
            ("reused", .number("\(result.reused)")),
            ("recovered", .number("\(result.recovered)")),
            ("bytes", .number("\(result.byteCount)")),
            ("retries", .number("\(transfers.values.map(\.retries).reduce(0, +))")),
            ("resumed", .number("\(transfers.values.map(\.resumed).reduce(0, +))")),
            ("transfers", .array(transfers.sorted { $0.key.description < $1.key.description }.map { digest, counts in
                .object(JSONObject([
                    ("digest", .string(digest.description)), ("retries", .number("\(counts.retries)")),
                    ("resumed", .number("\(counts.resumed)")),
                ]))
            })),
        ]))
    }
}
