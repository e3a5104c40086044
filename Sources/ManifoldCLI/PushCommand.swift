import ArgumentParser
import Manifold
import ManifoldRegistry

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Publish a local image to a registry, verifying every byte as it is sent.",
        usage: "manifold push [<options>] <image> <ref>",
        discussion: HelpText.reflow("""
            IMAGE is anything `manifold verify` reads: an OCI layout directory, an oci-archive,
            pack's output or a docker save tar (Docker ≤ 24: the OCI manifest it implies is
            pushed, layers as stored), optionally IMAGE:TAG or IMAGE@sha256:… to pick one. REF
            is the destination, docker://REF or [HOST[:PORT]/]NAME[:TAG][@DIGEST]; its tag
            (default latest) and every --tag name the pushed image.

            Every blob is measured while it is sent — size, digest, and for layers the
            diff_id — and a blob that fails is not completed; the manifests are written only
            once every blob passed, children before the index listing them, exactly as read
            (never re-serialized), and the tags last: a registry never has a tag naming an
            incomplete image, whatever fails or is interrupted. A blob the repository has
            already is not read at all (HEAD), so a second push sends no blob bytes.

            Exit 0 when the image was pushed, 1 when a check failed (nothing was published),
            2 when IMAGE or the registry cannot be used.

            Examples:
              manifold push app.tar localhost:5000/app:1.0
              manifold push app/ registry.example.com/team/app:1.0 --tag latest --digestfile app.digest
              manifold push --json multi.tar localhost:5000/app:arm --platform linux/arm64
            """))

    @Argument(help: "The image to push: PATH, PATH:TAG or PATH@DIGEST.")
    var image: String

    @Argument(help: "Where: docker://REF or REF ([HOST[:PORT]/]NAME[:TAG]).")
    var destination: String

    @Option(name: .customLong("tag"), parsing: .singleValue, help: ArgumentHelp("Also tag the pushed image so; repeatable.", valueName: "tag"))
    var tags: [String] = []

    @Option(name: .customLong("platform"), parsing: .singleValue,
            help: ArgumentHelp("Push only this platform (os/arch[/variant]); repeatable. An index is rewritten to list only them.", valueName: "platform"))
    var platformFilters: [String] = []

    @Option(help: "Blobs to send at once (default: the number of cores + 1).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Write the pushed image's digest to this file.", valueName: "file"))
    var digestfile: String?

    @Flag(help: "Replace the --digestfile if it exists.")
    var force = false

    @Flag(help: "Print verify's JSON report, with a `push` member (each blob uploaded, mounted or present).")
    var json = false

    @OptionGroup(title: "Compression (a Docker ≤ 24 save's layers)") var compression: CompressionFlags

    @Flag(help: "Also read and check (diff_ids included) the blobs the destination already holds or mounts; none of their bytes is sent. Without it they are checked by digest only, and the summary says how many.")
    var verifyPresent = false

    @Flag(name: .shortAndLong, help: "Print only failures and the summary; no progress.")
    var quiet = false

    @Flag(help: "Leave the image's signatures behind (its cosign .sig/.att/.sbom tags and referrers), as skopeo names it.")
    var removeSignatures = false

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options") var registry: RegistryFlags

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        for filter in platformFilters { _ = try parsePlatform(filter) }
        _ = try PushRun.destination(destination, extraTags: tags)
    }

    func run() throws {
        let (reference, tags) = try PushRun.destination(destination, extraTags: tags)
        let options = try PushOptions.fromFlags(
            tags: tags, platforms: platformFilters, jobs: jobs, limits: limits.limits, verifyPresent: verifyPresent,
            compression: compression, removeSignatures: removeSignatures)
        let push = PushRun(destination: reference, options: options, json: json, quiet: quiet, digestFile: digestfile, force: force)
        let source: any ContentProvider
        let selection: LocalImageReference
        let sink: RegistryContentSink
        do {
            selection = try LocalImageReference(parsing: image)
            source = try selection.open(limits: options.verify.limits)
            sink = try registry.options().sink(for: reference.repository)
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        try push.run(source, reference: selection, sink: sink, label: image)
    }
}
