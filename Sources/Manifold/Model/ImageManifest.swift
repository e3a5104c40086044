// https://github.com/opencontainers/image-spec/blob/main/manifest.md

/// An image manifest (OCI, or Docker schema 2): a config and an ordered list of layers.
public struct ImageManifest: Sendable, Hashable {
    public var schemaVersion: Int64
    public var mediaType: String?
    public var artifactType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    static let knownKeys = ["schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations", "manifests"]

    /// Decodes a manifest strictly; see ``ImageIndex/init(json:declaredMediaType:)``.
    public init(json: JSONValue, declaredMediaType: String?) throws {
        let fields = try JSONFields(json, context: "manifest", known: Self.knownKeys)
        try checkSchemaVersion(fields)
        mediaType = try fields.string("mediaType")
        try checkMediaType(mediaType, declared: declaredMediaType, allowed: MediaType.isManifest)
        if fields.has("manifests") {
            throw ManifoldError(.invalidDocument, "manifest has a \"manifests\" field: ambiguous between a manifest and an index (CVE-2021-41190)")
        }
        schemaVersion = 2
        artifactType = try fields.string("artifactType")
        try MediaType.checkGrammar(artifactType, field: "manifest.artifactType")
        guard let configJSON = fields.value("config") else {
            throw ManifoldError(.invalidDocument, "manifest.config is missing")
        }
        config = try Descriptor(json: configJSON, context: "config")
        layers = try fields.requiredArray("layers").enumerated().map { index, element in
            try Descriptor(json: element, context: "layers[\(index)]")
        }
        subject = try fields.value("subject").map { try Descriptor(json: $0, context: "subject") }
        annotations = try fields.stringMap("annotations")
    }
}
