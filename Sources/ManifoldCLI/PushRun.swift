import ArgumentParser
import Manifold
import ManifoldRegistry

/// What push, copy (to a registry) and `pack --push` share: the destination's reference and
/// tags, the run, and how its result is printed (`--json`, `--digestfile`).
struct PushRun {
    let destination: RegistryReference
    let options: PushOptions
    let json: Bool
    let quiet: Bool
    let digestFile: String?
    let force: Bool

    /// `docker://REF` or a bare REF: the destination; its tag (default `latest`, unless it
    /// names a digest) goes first among the tags, `--tag`'s after it.
    static func destination(_ text: String, extraTags: [String]) throws -> (RegistryReference, [String]) {
        let reference: RegistryReference
        do {
            reference = try RegistryReference(parsingTransport: text) ?? RegistryReference(parsing: text)
        } catch let error as ManifoldError {
            throw ValidationError("destination \(text): \(error.message)")
        }
        var tags = reference.tag.map { [$0] } ?? (reference.digest == nil ? [RegistryReference.defaultTag] : [])
        for tag in extraTags where !tags.contains(tag) {
            do {
                try ImageTag.validate(tag, what: "--tag")
            } catch let error as ManifoldError {
                throw ValidationError(error.message)
            }
            tags.append(tag)
        }
        return (reference, tags)
    }

    /// Pushes `source` through `sink` and prints the result; throws the exit code.
    func run(_ source: any ContentProvider, reference: LocalImageReference, sink: RegistryContentSink, label: String) throws {
        let (result, document) = try publish(source, reference: reference, sink: sink, label: label)
        if json {
            Terminal.output(JSONWriter(indent: "  ", sortKeys: false).string(document))
        } else {
            // A push that passed says what moved; one that failed shows verify's report first.
            if result.report.status != .verified { Terminal.output(VerifyPrinter(report: result.report, quiet: quiet).text) }
            Terminal.output(summary(result))
        }
        try Self.exit(result)
    }

    /// The exit code of `result`, thrown unless it verified.
    static func exit(_ result: PushResult) throws {
        switch result.report.status {
        case .verified: return
        case .failed: throw ExitCode(ExitStatus.failed)
        case .unusable: throw ExitCode(ExitStatus.unusable)
        }
    }

    /// Pushes `source` through `sink` and writes `--digestfile`: the result, and its `--json`
    /// document (verify's report with a `push` member). A failure to push at all is printed
    /// and thrown as its exit code.
    func publish(_ source: any ContentProvider, reference: LocalImageReference, sink: RegistryContentSink,
                 label: String) throws -> (PushResult, JSONValue) {
        if let digestFile { try Self.failing { try SmallOutputFile.checkWritable(digestFile, force: force) } }
        let result: PushResult
        do {
            try sink.checkReachable()
            let board: TransferBoard? = !json && !quiet && Terminal.stderrIsTerminal ? TransferBoard(label: label) : nil
            defer { board?.clear() }
            result = try ImagePusher(options: options).push(source, reference: reference, into: sink, progress: board?.pushCallbacks.progress,
                                                            blobProgress: board?.pushCallbacks.blobProgress)
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        if let digestFile, let top = result.top {
            try Self.failing { try SmallOutputFile.write(Array("\(top.digest)".utf8), to: digestFile, force: force) }
        }
        var root = VerifyJSON.root([result.report])
        let tallies = [sink.client.tally] + ((source as? RegistryContentProvider).map { [$0.client.tally] } ?? [])
        root.members.append(("push", pushJSON(result, transfers: TransferTally.merged(tallies))))
        return (result, .object(root))
    }

    private static func failing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(ExitStatus.unusable)
        }
    }

    func summary(_ result: PushResult) -> String {
        let name = RegistryReference.transportPrefix + destination.repository.description
        guard let top = result.top else {
            return "nothing published to \(name): no manifest or tag was written"
        }
        var lines: [String] = []
        if !result.dropped.isEmpty { lines.append("dropped by --platform: \(result.dropped.joined(separator: ", "))") }
        for rewrite in result.rewritten {
            lines.append("index \(rewrite.from.digest.abbreviated)… rewritten without them: \(rewrite.to.digest) (a new digest)")
        }
        for note in result.notes { lines.append("note: \(note)") }
        let tags = result.tags.isEmpty ? "" : " as \(result.tags.joined(separator: ", "))"
        lines.append("pushed \(name)@\(top.digest)\(tags)")
        for artifact in result.attached {
            lines.append("with it: \(artifact.tag.map { "\($0) " } ?? "referrer ")\(artifact.manifest.digest)")
        }
        if !result.leftBehind.isEmpty {
            lines.append("left behind, as what they sign is not pushed (--platform rewrote the index to a new digest, and left platforms out): "
                + result.leftBehind.map { $0.referenceName ?? $0.digest.description }.joined(separator: ", "))
        }
        lines.append("blobs: \(result.count(.uploaded)) uploaded (\(formatBytes(result.bytesSent)) sent), \(result.count(.mounted)) mounted, \(result.count(.present)) already present; manifests: \(result.manifestsWritten) written, \(result.manifestsPresent) already present; \(formatDecimal(result.seconds, places: 2)) s")
        // Verified means read and checked: say which blobs were taken on their digest alone.
        let unread = result.blobs.filter { !$0.read }.count
        if unread > 0 {
            lines.append("\(counted(unread, "blob")) the destination held or mounted \(unread == 1 ? "was" : "were") not read, so checked by digest only (diff_ids not recomputed); --verify-present reads them")
        }
        return lines.joined(separator: "\n")
    }

    /// `transfers`: the blobs whose transfers (from a registry source, to the destination)
    /// were sent again or resumed.
    func pushJSON(_ result: PushResult, transfers: [Digest: TransferTally.Counts] = [:]) -> JSONValue {
        .object(JSONObject([
            ("destination", .string(RegistryReference.transportPrefix + destination.repository.description)),
            ("digest", result.top.map { .string($0.digest.description) } ?? .null),
            ("mediaType", result.top.map { .string($0.mediaType) } ?? .null),
            ("tags", .array(result.tags.map(JSONValue.string))),
            ("rewritten", .array(result.rewritten.map { rewrite in
                .object(JSONObject([("from", .string(rewrite.from.digest.description)), ("to", .string(rewrite.to.digest.description))]))
            })),
            ("dropped", .array(result.dropped.map(JSONValue.string))),
            ("attached", .array(result.attached.map { artifact in
                .object(JSONObject([("digest", .string(artifact.manifest.digest.description)), ("tag", artifact.tag.map(JSONValue.string) ?? .null)]))
            })),
            ("leftBehind", .array(result.leftBehind.map(\.json))),
            ("blobs", .array(result.blobs.map { blob in
                .object(JSONObject([
                    ("digest", .string(blob.digest.description)), ("size", .number("\(blob.size)")),
                    ("status", .string(blob.placement.rawValue)), ("bytesSent", .number("\(blob.bytesSent)")),
                    ("read", .bool(blob.read)),
                    ("retries", .number("\(transfers[blob.digest]?.retries ?? 0)")),
                    ("resumed", .number("\(transfers[blob.digest]?.resumed ?? 0)")),
                ]))
            })),
            ("retries", .number("\(transfers.values.map(\.retries).reduce(0, +))")),
            ("resumed", .number("\(transfers.values.map(\.resumed).reduce(0, +))")),
            ("bytesSent", .number("\(result.bytesSent)")),
            ("notRead", .number("\(result.blobs.filter { !$0.read }.count)")),
            ("notes", .array(result.notes.map(JSONValue.string))),
            ("manifests", .object(JSONObject([
                ("written", .number("\(result.manifestsWritten)")), ("present", .number("\(result.manifestsPresent)")),
            ]))),
        ]))
    }
}
