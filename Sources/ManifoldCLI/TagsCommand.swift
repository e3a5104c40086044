import ArgumentParser
import Manifold
import ManifoldRegistry

struct TagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "List every tag of a repository on a registry, sorted.",
        usage: "manifold tags [<options>] <repository>",
        discussion: HelpText.reflow("""
            REPOSITORY is written as Docker does, without a tag (docker:// may precede it):
            `ubuntu` is docker.io/library/ubuntu, `localhost:5000/team/app` is on localhost:5000.
            Every page of the registry's list is followed (`Link: <…>; rel="next"`, which
            carries `n` and `last`, on the same host only), a page seen twice is an error,
            and the tags are printed once each, sorted, one per line; --json prints
            {"repository": …, "tags": […]}. A repository of more than --max-tags tags (or
            a registry whose pages add up to more than 256 MiB) is an error naming the cap:
            the names are kept in memory, the pages are not.

            Exit 0 on success, 1 when the registry's answer is malformed or passes a limit
            (a page over 4 MiB, a tag that is not a tag, more than --max-tags tags), 2 when
            the registry cannot be reached, refuses the credentials or does not have the
            repository.

            Examples:
              manifold tags localhost:5000/team/app
              manifold tags --json --creds me:secret registry.example.com/app
            """))

    @Argument(help: "The repository: [HOST[:PORT]/]PATH.")
    var repository: String

    @Flag(help: "Print JSON instead of one tag per line.")
    var json = false

    @OptionGroup(title: "Registry options") var registry: RegistryFlags

    @Option(name: .customLong("max-tags"), help: ArgumentHelp(
        "Most distinct tags listed; a repository with more is an error.", valueName: "n"))
    var maxTags: Int = RegistryOptions.defaultMaxTags

    func validate() throws {
        guard maxTags > 0 else { throw ValidationError("--max-tags must be positive") }
    }

    func run() throws {
        let tags: [String]
        let parsed: RepositoryReference
        do {
            parsed = try RepositoryReference(parsing: Self.bare(repository))
            tags = try registry.options().tags(parsed, maxTags: maxTags)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw registryFailure(error, about: repository)
        }
        if json {
            let document: JSONValue = .object(JSONObject([
                ("repository", .string(parsed.canonical)), ("tags", .array(tags.map(JSONValue.string))),
            ]))
            Terminal.output(JSONWriter(indent: "  ", sortKeys: false).string(document))
        } else if !tags.isEmpty {
            Terminal.output(tags.joined(separator: "\n"))
        }
    }

    /// REPOSITORY as skopeo's `list-tags` takes it is accepted too: `docker://` is dropped.
    static func bare(_ text: String) -> String {
        text.hasPrefix(RegistryReference.transportPrefix) ? String(text.dropFirst(RegistryReference.transportPrefix.count)) : text
    }
}
