// https://github.com/opencontainers/image-spec/blob/main/manifest.md#image-manifest-property-descriptions

extension ImageManifest {
    /// What the spec recommends for portability and this manifest does not do: facts to
    /// report, not failures.
    ///
    /// An empty `layers` is one. The schema (`"minItems": 1`) refuses it, but the spec's text
    /// only says "For portability, `layers` SHOULD have at least one entry", and real images
    /// have none (Docker builds `FROM scratch` with only metadata), so manifold verifies such
    /// a manifest and says so rather than failing it.
    public var portabilityNotes: [String] {
        layers.isEmpty ? ["layers is empty: the image-spec says a manifest SHOULD have at least one layer, for portability"] : []
    }
}
