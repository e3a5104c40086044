import ArgumentParser
import Manifold

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the digest of files, or of their decompressed content (a layer's diff_id).",
        usage: "manifold digest [<options>] <file> ...",
        discussion: HelpText.reflow("""
            Prints "ALGORITHM:HEX  FILE" per file, in argument order; "-" reads standard input.
            With --uncompressed, gzip and zstd input (detected by magic bytes) is decompressed
            and the digest of the content is printed: for a layer blob, its diff_id. Plain input
            is its own content; its digest is printed and a note says so.

            Exit 0 when every file was digested, 1 when a compressed input is corrupt,
            2 when an input cannot be read; 1 wins over 2 when files differ.

            Examples:
              manifold digest layer.tar.gz
              manifold digest --uncompressed layer.tar.gz      # the diff_id
              docker save img | manifold digest -
            """))

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case sha256, sha512
        var value: DigestAlgorithm { self == .sha256 ? .sha256 : .sha512 }
    }

    @Argument(help: "Files to digest; - for standard input.")
    var files: [String]

    @Option(help: "The digest algorithm.")
    var algorithm: Algorithm = .sha256

    @Flag(help: "Digest the decompressed content of gzip and zstd input (the diff_id).")
    var uncompressed = false

    // Optional so that help shows the rule, not this machine's count, as the default.
    @Option(help: "How many files to digest at once (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var decompression: DecompressionLimitOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one FILE (- for standard input)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() throws {
        let check = BlobCheck(
            digestAlgorithm: uncompressed ? nil : algorithm.value,
            decompression: uncompressed ? .sniff : .skip,
            uncompressedAlgorithm: algorithm.value,
            limits: decompression.limits)
        let inputs = files.map { $0 == "-" ? BlobInput.standardInput : BlobInput.file($0) }
        let statuses = Locked([Int32]())
        let uncompressed = self.uncompressed
        check.measure(inputs, jobs: jobs ?? activeCores()) { index, result in
            let file = inputs[index].name
            let outcome = Self.describe(result, file: file, uncompressed: uncompressed)
            if let line = outcome.line { Terminal.output(line) }
            if let note = outcome.note { Terminal.error(note) }
            statuses.withLock { $0.append(outcome.status) }
        }
        let final = ExitStatus.combined(statuses.withLock { $0 })
        if final != ExitStatus.ok { throw ExitCode(final) }
    }

    /// What to print for one file, and the exit status it calls for.
    static func describe(_ result: Result<BlobMeasurement, any Error>, file: String, uncompressed: Bool)
        -> (line: String?, note: String?, status: Int32)
    {
        switch result {
        case .failure(let error as ManifoldError):
            // Library errors about an input already begin with its name.
            return (nil, error.message, error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        case .failure(let error):
            return (nil, "\(file): \(error)", ExitStatus.unusable)
        case .success(let measurement):
            if let error = measurement.decompressionError {
                let what = error.code == .limitExceeded ? "refused" : "corrupt"
                return (nil, "\(file): \(what) \(measurement.compression.map { "\($0)" } ?? "") content: \(error.message)", ExitStatus.failed)
            }
            let digest = uncompressed ? measurement.uncompressedDigest : measurement.digest
            guard let digest else {
                return (nil, "\(file): no digest was computed", ExitStatus.unusable)
            }
            let note = uncompressed && measurement.compression == Compression.plain
                ? "\(file): not compressed (no gzip or zstd magic); its content digest is its digest" : nil
            return ("\(digest)  \(file)", note, ExitStatus.ok)
        }
    }
}
