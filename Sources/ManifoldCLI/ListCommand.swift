import ArgumentParser
import Manifold
import ManifoldRegistry

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List a repository's tags with digest, media type, platforms, size and creation time.",
        usage: "manifold ls [<options>] <repository>",
        discussion: HelpText.reflow("""
            `az acr manifest list-metadata` for any registry. For each tag (sorted): the digest
            of the manifest or index it names (computed over the bytes served), its media type,
            the platforms it holds (attestations left out), the total size of the distinct
            configs and layers of all its platforms as their descriptors state it (compressed),
            and the `created` of its first platform's config. Manifests and configs are read;
            layers are not.

            Exit 0 on success, 1 when a config does not match its digest or the repository
            has more than --max-tags tags, 2 when the registry cannot be reached, refuses the
            credentials or does not have the repository.

            Examples:
              manifold ls localhost:5000/team/app
              manifold ls --json registry.example.com/app | jq '.[] | select(.platforms | length > 1)'
            """))

    @Argument(help: "The repository: [HOST[:PORT]/]PATH.")
    var repository: String

    @Flag(help: "Print a JSON array, one object per tag.")
    var json = false

    @OptionGroup(title: "Registry options") var registry: RegistryFlags

    @OptionGroup var limits: ImageLimitOptions

    @Option(name: .customLong("max-tags"), help: ArgumentHelp(
        "Most distinct tags listed; a repository with more is an error.", valueName: "n"))
    var maxTags: Int = RegistryOptions.defaultMaxTags

    func validate() throws {
        guard maxTags > 0 else { throw ValidationError("--max-tags must be positive") }
    }

    func run() throws {
        let summaries: [TagSummary]
        do {
            summaries = try registry.options().list(try RepositoryReference(parsing: Self.bare(repository)), limits: limits.limits, maxTags: maxTags)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw registryFailure(error, about: repository)
        }
        if json {
            let items = summaries.map { summary -> JSONValue in
                .object(JSONObject([
                    ("tag", .string(summary.tag)), ("digest", .string(summary.digest.description)),
                    ("mediaType", .string(summary.mediaType)), ("platforms", .array(summary.platforms.map(JSONValue.string))),
                    ("size", .number(String(summary.size))), ("created", summary.created.map(JSONValue.string) ?? .null),
                ]))
            }
            Terminal.output(JSONWriter(indent: "  ", sortKeys: false).string(.array(items)))
            return
        }
        guard !summaries.isEmpty else { return }
        let rows = [["TAG", "DIGEST", "MEDIA TYPE", "PLATFORMS", "SIZE", "CREATED"]] + summaries.map { summary in
            [summary.tag, summary.digest.abbreviated, Self.shortMediaType(summary.mediaType),
             summary.platforms.isEmpty ? "-" : summary.platforms.joined(separator: ","), Self.size(summary.size),
             summary.created ?? "-"]
        }
        let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
        Terminal.output(rows.map { row in
            row.enumerated().map { column, cell in
                column == 5 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n"))
    }

    /// The media type as a person reads it: `oci index`, `docker manifest`…
    static func shortMediaType(_ mediaType: String) -> String {
        switch mediaType {
        case MediaType.ociIndex: "oci index"
        case MediaType.ociManifest: "oci manifest"
        case MediaType.dockerManifestList: "docker manifest list"
        case MediaType.dockerManifest: "docker manifest"
        default: mediaType
        }
    }

    /// Bytes in decimal units, as docker prints image sizes.
    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    /// REPOSITORY as skopeo's `list-tags` takes it is accepted too: `docker://` is dropped.
    static func bare(_ text: String) -> String {
        text.hasPrefix(RegistryReference.transportPrefix) ? String(text.dropFirst(RegistryReference.transportPrefix.count)) : text
    }
}
