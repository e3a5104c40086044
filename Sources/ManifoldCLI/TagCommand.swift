import ArgumentParser
import Manifold
import ManifoldRegistry

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Give an image in a registry more tags; no blob is read or sent.",
        usage: "manifold tag [<options>] <ref> <new-tag> ...",
        discussion: HelpText.reflow("""
            Reads REF's manifest (or index) and writes exactly those bytes under each NEWTAG
            in the same repository, so every tag names the same digest, which is printed.

            Exit 0 when every tag was written, 2 when REF or the registry cannot be used.

            Examples:
              manifold tag localhost:5000/app:1.0.3 1.0 1 latest
              manifold tag docker://registry.example.com/app@sha256:… stable
            """))

    @Argument(help: "The image: docker://REF or REF ([HOST[:PORT]/]NAME[:TAG][@DIGEST]).")
    var reference: String

    @Argument(help: "The tags to add.")
    var newTags: [String]

    @OptionGroup var limits: ImageLimitOptions

    @OptionGroup(title: "Registry options") var registry: RegistryFlags

    func validate() throws {
        _ = try parsedReference()
        if newTags.isEmpty { throw ValidationError("give at least one new tag") }
        for tag in newTags {
            do {
                try ImageTag.validate(tag, what: "the new tag")
            } catch let error as ManifoldError {
                throw ValidationError(error.message)
            }
        }
    }

    private func parsedReference() throws -> RegistryReference {
        do {
            return try RegistryReference(parsingTransport: reference) ?? RegistryReference(parsing: reference)
        } catch let error as ManifoldError {
            throw ValidationError("\(reference): \(error.message)")
        }
    }

    func run() throws {
        let parsed = try parsedReference()
        do {
            let digest = try registry.options().tag(parsed, as: newTags, documentLimit: limits.limits.documentSize)
            Terminal.output("tagged \(parsed.repository.description)@\(digest) as \(newTags.joined(separator: ", "))")
        } catch {
            throw registryFailure(error, about: reference)
        }
    }
}
