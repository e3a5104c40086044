import ArgumentParser
import Manifold
import ManifoldRegistry

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an image's index or manifest, like `docker manifest inspect`, offline.",
        usage: "manifold inspect [<options>] <image>",
        discussion: HelpText.reflow("""
            IMAGE is an OCI layout directory, an oci-archive or a docker-save tar; IMAGE:TAG or
            IMAGE@sha256:… picks one image (skopeo's oci:, oci-archive: and docker-archive:
            prefixes are accepted). Every document shown has been checked against its digest.

            By default the top document (index / manifest list, or manifest) is pretty-printed as
            JSON. --raw prints its exact bytes (what a registry would serve). --verbose prints,
            per platform, its descriptor, its manifest and a summary of its config. --tree draws
            index › platforms › config and layers with sizes and digests; attestation manifests
            (unknown/unknown) are shown apart and never selected.

            --platform resolves the image a client on that platform would run (containerd's
            normalization: aarch64 = arm64, bare arm = arm/v7; an arm/v7 client also runs
            arm/v6 and v5), and prints its descriptor and manifest (with --raw, the manifest's
            bytes). --compatible also lets arm64 clients fall back to arm and amd64 to 386.
            No match exits 2 and lists the platforms there are. With --verbose or --config, only
            the selected platform is shown, in the same form as without --platform.

            --config shows each platform's config the way `skopeo inspect --config` and `crane
            config` give it: created, author, os/arch, user, working dir, entrypoint, cmd, env,
            exposed ports, volumes, labels, stop signal; --json prints them with stable keys.

            --referrers lists, per manifest of the image (the top one, then each platform's), the
            signatures, attestations, SBOMs and other artifacts attached to it — cosign's
            sha256-<hex>.sig/.att tags, `cosign save` entries, OCI 1.1 referrers (subject), buildx
            attestation manifests — with their artifact type and annotations. Nothing is
            verified here: `manifold verify --key` checks signatures.

            docker://REF reads the image from a registry (its manifests and configs, checked
            against their digests; no layer is fetched), like `docker manifest inspect`.

            Examples:
              manifold inspect multi.tar
              manifold inspect --tree multi.tar
              manifold inspect --platform linux/arm/v7 multi.tar
              manifold inspect --config --json multi.tar
              manifold inspect --raw ./layout:latest | sha256sum
              manifold inspect --tree docker://localhost:5000/app:1.0
              manifold inspect --referrers ./saved-by-cosign
            """))

    @Argument(help: "The image: PATH, PATH:TAG, PATH@DIGEST or docker://REF.")
    var image: String

    @Flag(help: "Print the exact bytes of the document instead of pretty JSON.")
    var raw = false

    @Flag(name: .shortAndLong, help: "Print each platform's descriptor, manifest and config summary.")
    var verbose = false

    @Flag(help: "Draw the image as a tree for a person to read.")
    var tree = false

    @Flag(help: "Show each platform's config: created, author, env, entrypoint, cmd, ports, labels.")
    var config = false

    @Flag(help: "With --config: print it as JSON (keys in docs/inspect-config-json.md).")
    var json = false

    @Flag(help: "List the signatures, attestations and SBOMs attached to each manifest.")
    var referrers = false

    @Option(help: ArgumentHelp("Select the image a client on this platform would run.", valueName: "os/arch[/variant]"))
    var platform: String?

    @Flag(help: "With --platform: allow arm64 → arm and amd64 → 386 fallbacks.")
    var compatible = false

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options (docker://)") var registry: RegistryFlags

    func validate() throws {
        if let platform { _ = try parsePlatform(platform) }
        guard [raw, verbose, tree, config, referrers].filter({ $0 }).count <= 1 else {
            throw ValidationError("--raw, --verbose, --tree, --config and --referrers are alternatives; give one")
        }
        if referrers && platform != nil { throw ValidationError("--referrers lists every manifest's; --platform does not go with it") }
        if json && !config { throw ValidationError("--json goes with --config (the other views are JSON already, or for people)") }
        if compatible && platform == nil { throw ValidationError("--compatible goes with --platform") }
    }

    func run() throws {
        var subject = image
        let resolved: ResolvedImage
        // --referrers: the whole file too, whose other index.json entries hold the signatures.
        var whole: ResolvedImage?
        do {
            if let (source, selection) = try registrySource(image, flags: registry) {
                resolved = try ResolvedImage.open(source, reference: selection, limits: limits.limits)
            } else {
                let reference = try LocalImageReference(parsing: image)
                subject = reference.path
                resolved = try ResolvedImage.open(reference, limits: limits.limits)
                if referrers {
                    // Referrers only blobs/ holds too: verify finds them by their subject.
                    let listed = UnlistedReferrerListing(try reference.open(limits: limits.limits), limits: limits.limits)
                    whole = try ResolvedImage.open(listed, reference: LocalImageReference(path: reference.path, transport: reference.transport),
                                                   limits: limits.limits)
                }
            }
        } catch let error as ManifoldError {
            Terminal.error(error.message, about: subject)
            throw ExitCode(error.code.isContentFailure ? ExitStatus.failed : ExitStatus.unusable)
        }
        for note in resolved.notes { Terminal.error("note: \(note)") }
        let printer = InspectPrinter(image: resolved)
        // A Docker ≤ 24 save stores no manifest: say that the one shown is manifold's (the
        // tree and --verbose say it in their own output).
        if !tree && !verbose && !config && resolved.manifests.contains(where: \.synthesized) {
            Terminal.error("note: \(image) stores no manifest (docker save of Docker ≤ 24); the manifest shown was synthesized by manifold from manifest.json")
        }

        if let platform {
            let client = try parsePlatform(platform)
            let candidates = resolved.manifests.map(\.platform)
            guard let index = PlatformSelection.select(candidates, for: client, compatible: compatible) else {
                // A filter that names nothing is a usage error (exit 2), as in verify and pack.
                let available = resolved.manifests.compactMap { $0.platform?.description }
                Terminal.error("no platform in \(image) matches \(client); platforms: \(platformList(available))")
                throw ExitCode(ExitStatus.unusable)
            }
            let selected = resolved.manifests[index]
            if raw {
                Terminal.outputRaw(selected.bytes)
            } else if tree {
                Terminal.output(printer.tree(only: selected))
            } else if verbose {
                Terminal.outputRaw(printer.verbose(only: selected))
            } else if config {
                Terminal.output(json ? printer.configJSON([selected]) : printer.configText([selected]))
            } else {
                Terminal.output(printer.selection(selected))
            }
            return
        }
        if referrers {
            let file = whole ?? resolved
            // `cosign save` names no subject: its signatures are the one image's of the file.
            let images = Set(file.nodes.filter { $0.depth == 0 && !$0.isAttestation }.map(\.descriptor.digest))
            let sole = file.topDescriptor == nil ? (images.count == 1 ? images.first : nil) : file.topDescriptor?.digest
            Terminal.output(ReferrersPrinter(image: resolved, artifacts: file.attestations, soleImage: sole).text)
            return
        }
        if raw {
            Terminal.outputRaw(resolved.topBytes)
        } else if verbose {
            Terminal.outputRaw(printer.verbose())
        } else if tree {
            Terminal.output(printer.tree(only: nil))
        } else if config {
            Terminal.output(json ? printer.configJSON(resolved.manifests) : printer.configText(resolved.manifests))
        } else {
            Terminal.outputRaw(printer.pretty(resolved.topBytes))
        }
    }
}

