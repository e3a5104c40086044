import ArgumentParser
import Manifold
import ManifoldRegistry

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Combine single- and multi-arch images into one multi-arch image, offline and reproducibly.",
        usage: "manifold pack [<options>] (-o <out> | --push <ref>) <input> ...",
        discussion: HelpText.reflow("""
            What `docker manifest create` + `annotate` + `push` do, without a daemon or a
            registry. Each INPUT is an OCI layout directory, an oci-archive or a docker-save
            tar; INPUT:TAG or INPUT@sha256:… picks one of several images, and without one every
            image the input holds contributes all its platforms (with their attestations).
            Each entry's platform comes from its image's config; manifests are copied byte for
            byte, never rewritten.

            Every blob is copied once, hashed while it is copied; if any is not what its
            descriptor says, nothing is written. The output goes to a temporary name beside
            OUT and is renamed into place; an existing OUT is replaced only with --force.
            Entries are sorted by platform, so the order of the inputs does not change the
            output: the same inputs always give byte-identical output.

            Overrides, like `docker manifest annotate`, name the entries they change by the
            INPUT as written, by its position (#2), or by platform, then `=`:
              --variant arm.tar=v7            --arch '#2=arm64'
              --os-version win.tar=10.0.17763.1879    --os-features win.tar=win32k
            An override that contradicts the config is refused unless --force-platform.

            Annotations, as `docker buildx imagetools create` takes them:
              --annotation org.opencontainers.image.source=https://x.example  (the index)
              --annotation 'index:KEY=VALUE'              (the index, said explicitly)
              --annotation 'index-descriptor:KEY=VALUE'   (its entry in index.json)
              --annotation 'manifest-descriptor:com.example.team=infra'  (every entry)
              --annotation 'manifest-descriptor[linux/arm64]:com.example.tier=edge'
              --annotation 'manifest-descriptor[arm.tar]:com.example.built=pi4'
            `manifest:` annotations are refused: they would rewrite the manifests.

            With --push REF and no -o, the pack streams straight into the registry: each blob
            read once from its input and measured (size, digest, diff_id) as it is uploaded,
            nothing written to disk; a blob the registry has is not read, and no manifest is
            put unless every blob passed, the tag last (as `manifold push` does). The
            registry then serves the index `pack -o` would write. With -o OUT too, OUT is
            written, then pushed.

            Examples:
              manifold pack -o app.tar app-amd64.tar app-arm64.tar
              manifold pack --push registry.example.com/app:1.2 app-amd64.tar app-arm64.tar
              manifold pack -o app/ --tag 1.2 amd64/ arm64/ armv7.tar \\
                --variant armv7.tar=v7
              manifold pack -o subset.tar --platform linux/arm64 multi.tar
              manifold pack -o - app-amd64.tar app-arm64.tar | gzip > app.tar.gz
            """))

    @Option(name: .shortAndLong, help: ArgumentHelp("The image to write: a directory, a tar (.tar), or - (a tar on stdout).", valueName: "OUT"))
    var output: String?

    @Option(name: .customLong("push"), help: ArgumentHelp(
        "Also push the packed image to this registry reference (docker://REF or REF); without -o, stream it there, writing nothing.", valueName: "REF"))
    var pushReference: String?

    @OptionGroup(title: "Registry options (with --push)") var registry: RegistryFlags

    @Argument(help: "Images to combine: PATH, PATH:TAG or PATH@DIGEST.")
    var inputs: [String]

    @Option(help: "The tag index.json gives the new index (with --flat: TAG-os-arch[-variant] per entry).")
    var tag = "latest"

    @Option(help: ArgumentHelp("dir (OCI layout) or tar (oci-archive); default from OUT's name.", valueName: "dir|tar"))
    var format: String?

    @Option(help: ArgumentHelp("oci (default) or docker (a Docker manifest list; skopeo cannot find its tag in an OCI layout).", valueName: "oci|docker"))
    var indexType: String?

    @Flag(help: "List the platform manifests directly in index.json instead of writing an index blob.")
    var flat = false

    @Option(name: .customLong("platform"), help: ArgumentHelp("Keep only this platform (repeatable).", valueName: "os/arch[/variant]"))
    var platforms: [String] = []

    @Option(help: ArgumentHelp("Set the entry's os.", valueName: "SELECTOR=OS"))
    var os: [String] = []

    @Option(help: ArgumentHelp("Set the entry's architecture.", valueName: "SELECTOR=ARCH"))
    var arch: [String] = []

    @Option(help: ArgumentHelp("Set the entry's variant.", valueName: "SELECTOR=VARIANT"))
    var variant: [String] = []

    @Option(help: ArgumentHelp("Set the entry's os.version.", valueName: "SELECTOR=VERSION"))
    var osVersion: [String] = []

    @Option(help: ArgumentHelp("Set the entry's os.features (comma-separated).", valueName: "SELECTOR=F1,F2"))
    var osFeatures: [String] = []

    @Option(help: ArgumentHelp("An annotation on the index, or on entries (see above).", valueName: "[TYPE[SEL]:]KEY=VALUE"))
    var annotation: [String] = []

    @Flag(help: "Allow two entries for the same platform (the first is what clients pick).")
    var allowDuplicatePlatforms = false

    @Flag(help: "Accept overrides that contradict the image's config.")
    var forcePlatform = false

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    @Flag(help: "Directory output: reflink (or hard-link) verified blobs of layout inputs instead of copying.")
    var link = false

    @OptionGroup var limits: ImageLimitOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one INPUT image") }
        guard output != nil || pushReference != nil else { throw ValidationError("give -o OUT, --push REF, or both") }
        if output == "-", pushReference != nil { throw ValidationError("--push reads what pack wrote: give -o a path, not -") }
        if let pushReference { _ = try PushRun.destination(pushReference, extraTags: []) }
        if let format, PackOptions.Format(rawValue: format) == nil { throw ValidationError("--format is dir or tar, got \(format)") }
        if let indexType, PackOptions.IndexType(rawValue: indexType) == nil { throw ValidationError("--index-type is oci or docker, got \(indexType)") }
        do {
            try options().validate()
        } catch let error as ManifoldError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        if output == nil, let pushReference { return try packStraight(to: pushReference) }
        let result: PackResult
        do {
            result = try Packer(options: try options()).pack()
        } catch let error as ManifoldError {
            throw Self.failed(error)
        }
        for note in result.notes { Terminal.error("note: \(note)") }
        let summary = PackPrinter(result: result, tag: flat ? nil : tag).text
        // With -o -, standard output carries the archive: the summary goes to stderr.
        if output == "-" { Terminal.errorRaw(summary + "\n") } else { Terminal.output(summary) }
        // -o OUT --push REF: OUT is in place (pack succeeded); it is pushed as `manifold push` would.
        if let pushReference, let output { try push(output, to: pushReference) }
    }

    /// Prints `error` (several inputs' errors come as one, a line each: ManifoldError.worstOf)
    /// and gives its exit code.
    private static func failed(_ error: ManifoldError) -> ExitCode {
        for line in error.message.split(separator: "\n") { Terminal.error(String(line)) }
        return ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
    }

    /// --push without -o: the pack goes straight to the registry (Packer.push), each blob read
    /// once from its input and measured as it is uploaded; no archive is written on the way.
    /// What it prints is what `manifold push` of the packed image prints.
    private func packStraight(to text: String) throws {
        let (reference, tags) = try PushRun.destination(text, extraTags: [])
        let run = PushRun(destination: reference, options: PushOptions(), json: false, quiet: false, digestFile: nil, force: false)
        let packed: (pack: PackResult, push: PushResult)
        do {
            var packing = try options()
            packing.link = false
            let sink = try registry.options().sink(for: reference.repository)
            // An unreachable or refusing registry is one error before any input is read.
            try sink.checkReachable()
            let board: TransferBoard? = Terminal.stderrIsTerminal ? TransferBoard(label: text) : nil
            defer { board?.clear() }
            packed = try Packer(options: packing).push(into: sink, tags: tags, jobs: activeCores() + 1, progress: board?.pushCallbacks.progress,
                                                       blobProgress: board?.pushCallbacks.blobProgress)
        } catch let error as ManifoldError {
            throw Self.failed(error)
        }
        for note in packed.pack.notes { Terminal.error("note: \(note)") }
        Terminal.output(run.summary(packed.push))
    }

    /// Pushes the packed image at `path` (its one image, the new index) to `text`.
    private func push(_ path: String, to text: String) throws {
        let (reference, tags) = try PushRun.destination(text, extraTags: [])
        var options = PushOptions()
        options.tags = tags
        options.verify.jobs = activeCores() + 1
        options.verify.limits = limits.limits
        let run = PushRun(destination: reference, options: options, json: false, quiet: false, digestFile: nil, force: false)
        let source: any ContentProvider
        let selection: LocalImageReference
        let sink: RegistryContentSink
        do {
            selection = flat ? LocalImageReference(path: path) : LocalImageReference(path: path, tag: tag)
            source = try selection.open(limits: limits.limits)
            sink = try registry.options().sink(for: reference.repository)
        } catch let error as ManifoldError {
            Terminal.error(error.message)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        try run.run(source, reference: selection, sink: sink, label: text)
    }

    /// The library options from the flags; every malformed flag is a usage error.
    func options(output: String? = nil) throws -> PackOptions {
        // Validation before a --push-only run: any path of a tar will do.
        let output = output ?? self.output ?? "packed.tar"
        let references = try inputs.map { input in
            do {
                return try LocalImageReference(parsing: input)
            } catch let error as ManifoldError {
                throw ValidationError(error.message)
            }
        }
        var options = PackOptions(inputs: references, output: output)
        options.format = format.flatMap(PackOptions.Format.init(rawValue:))
        options.tag = tag
        options.indexType = indexType.flatMap(PackOptions.IndexType.init(rawValue:)) ?? .oci
        options.flat = flat
        options.platforms = try platforms.map(parsePlatform)
        options.allowDuplicatePlatforms = allowDuplicatePlatforms
        options.forcePlatform = forcePlatform
        options.force = force
        options.link = link
        options.limits = limits.limits
        for (field, values) in [(PlatformOverride.Field.os, os), (.architecture, arch), (.variant, variant),
                                (.osVersion, osVersion), (.osFeatures, osFeatures)] {
            for text in values {
                guard let equals = text.lastIndex(of: "="), equals != text.startIndex else {
                    throw ValidationError("--\(flagName(field)) takes SELECTOR=VALUE, e.g. --\(flagName(field)) arm.tar=…; got \(text)")
                }
                let selector = try parseSelector(String(text[..<equals]))
                options.overrides.append(PlatformOverride(selector: selector, field: field, value: String(text[text.index(after: equals)...])))
            }
        }
        for text in annotation {
            try parseAnnotation(text, into: &options)
        }
        return options
    }

    private func flagName(_ field: PlatformOverride.Field) -> String {
        switch field {
        case .os: "os"
        case .architecture: "arch"
        case .variant: "variant"
        case .osVersion: "os-version"
        case .osFeatures: "os-features"
        }
    }

    /// An input as written, `#N`, or a platform.
    private func parseSelector(_ text: String) throws -> EntrySelector {
        if let position = inputs.firstIndex(of: text) { return .input(position) }
        if text.hasPrefix("#"), let number = Int(text.dropFirst()), (1...inputs.count).contains(number) {
            return .input(number - 1)
        }
        if let platform = try? Platform(parsing: text) { return .platform(platform) }
        throw ValidationError("\"\(text)\" names no input (as written, or #1…#\(inputs.count)) and is not a platform")
    }

    /// `KEY=VALUE`, `TYPE:KEY=VALUE`, `TYPE[SELECTOR]:KEY=VALUE`, with buildx's types: `index`
    /// (the index; the default), `index-descriptor` (its entry in index.json),
    /// `manifest-descriptor` (entries of the index). `manifest` is refused: pack never
    /// rewrites a manifest, whose digest would change.
    private func parseAnnotation(_ text: String, into options: inout PackOptions) throws {
        var rest = Substring(text)
        var target = "index"
        var selector: EntrySelector?
        let types = ["index-descriptor", "manifest-descriptor", "index", "manifest"]
        if let type = types.first(where: { rest.hasPrefix($0 + ":") || rest.hasPrefix($0 + "[") }) {
            target = type
            rest = rest.dropFirst(type.count)
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { throw ValidationError("--annotation \(text): no closing ]") }
                selector = try parseSelector(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.hasPrefix(":") else { throw ValidationError("--annotation \(text): expected ':' after \(type)") }
            rest = rest.dropFirst()
        }
        guard let equals = rest.firstIndex(of: "="), equals != rest.startIndex else {
            throw ValidationError("--annotation takes [TYPE[SELECTOR]:]KEY=VALUE; got \(text)")
        }
        let key = String(rest[..<equals]), value = String(rest[rest.index(after: equals)...])
        switch target {
        case "manifest":
            throw ValidationError("--annotation \(text): pack never rewrites a manifest (its digest would change); use manifest-descriptor: to annotate its entry in the index")
        case "index", "index-descriptor":
            guard selector == nil else { throw ValidationError("--annotation \(text): \(target) takes no [selector]") }
            if target == "index" { options.indexAnnotations[key] = value } else { options.indexDescriptorAnnotations[key] = value }
        default:
            if let selector {
                options.annotations.append(EntryAnnotation(selector: selector, key: key, value: value))
            } else {
                for position in inputs.indices {
                    options.annotations.append(EntryAnnotation(selector: .input(position), key: key, value: value))
                }
            }
        }
    }
}

/// The summary `pack` prints: the index digest, then a table of platform, manifest, size.
struct PackPrinter {
    let result: PackResult
    let tag: String?

    var text: String {
        var lines: [String] = []
        lines.append("packed \(result.output) (\(result.format == .tar ? "oci-archive" : "OCI layout")\(tag.map { ", tag \($0)" } ?? ", flat"))")
        if let index = result.index {
            lines.append("index \(index.digest)  \(index.mediaType)  \(index.size) B")
        }
        // --flat names each entry itself: show the names.
        let named = tag == nil
        let rows = result.entries.map { entry in
            [entry.isAttestation ? "(attestation)" : (entry.platform?.description ?? "(no platform)"), entry.descriptor.digest.description,
             formatBytes(UInt64(entry.descriptor.size))] + (named ? [entry.tag ?? "-"] : []) + [entry.origin]
        }
        let header = ["PLATFORM", "MANIFEST", "SIZE"] + (named ? ["TAG"] : []) + ["FROM"]
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            lines.append(row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  "))
        }
        // Images and platforms counted as verify counts them: 200 images of linux/amd64
        // (--allow-duplicate-platforms) are "200 images, 1 platform", not "200 platforms".
        let images = result.entries.filter { !$0.isAttestation }
        let platforms = Set(images.map { $0.platform?.normalized }).count
        let imageCount = images.count > platforms ? "\(counted(images.count, "image")), " : ""
        var tail = "\(imageCount)\(counted(platforms, "platform")), \(counted(result.blobCount, "blob")), \(formatBytes(result.byteCount)) in \(formatDecimal(result.seconds, places: 2)) s"
        if !result.linked.isEmpty {
            tail += "; linked instead of copied: " + result.linked.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) by \($0.key.rawValue)" }.joined(separator: ", ")
        }
        lines.append(tail)
        return lines.joined(separator: "\n")
    }
}
