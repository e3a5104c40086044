/// A manifest's config, read (when its media type is an image config's) and checked against
/// the manifest's index entry and layers.
struct ConfigFound: Sendable {
    /// The manifest's own listing.
    let manifestEntry: GraphEntry
    let manifest: Document<ImageManifest>
    /// `manifest.config`, at `path` (the manifest's path + `config`).
    let descriptor: Descriptor
    let path: [String]
    /// Nil when the media type is not an image config's (an artifact): not read as a document.
    let outcome: DocumentOutcome<ImageConfig>?
    /// The image's platform: its index entry's, else its config's; nil for an artifact.
    let platform: Platform?
    /// Set when the manifest is a signature, attestation or other artifact, not a platform
    /// image (``ImageGraphRules/artifact(entry:manifest:)``).
    var artifact: Artifact? = nil

    var config: ImageConfig? { outcome?.value }

    /// What is wrong when the index entry claims another platform than the config, or nil;
    /// `naming` names the config in the words.
    func platformMismatch(naming name: String? = nil) -> String? {
        ImageGraphRules.platformMismatch(entry: manifestEntry.entryPlatform, config: config?.platform, naming: name)
    }

    /// What is wrong when the config's diff_ids do not pair with the layers, or nil.
    var diffIDMismatch: String? {
        config.flatMap { ImageGraphRules.diffIDCountMismatch($0, layers: manifest.value.layers.count) }
    }
}
