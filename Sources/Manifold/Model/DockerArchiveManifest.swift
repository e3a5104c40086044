// https://github.com/moby/moby/blob/master/image/tarexport/tarexport.go (the format, not code)

/// One entry of a `docker save` archive's `manifest.json`: an image's config and layers as
/// paths inside the archive.
public struct DockerArchiveManifest: Sendable, Hashable {
    public var config: String
    public var repoTags: [String]
    public var layers: [String]
    /// Foreign layers, by diff_id: descriptors of layers that may be absent (Windows).
    public var layerSources: [String: Descriptor]

    static let knownKeys = ["Config", "RepoTags", "Layers", "Parent", "LayerSources"]

    /// Decodes `manifest.json`: a non-empty array of entries, keys case-sensitive.
    public static func decodeList(_ json: JSONValue) throws -> [DockerArchiveManifest] {
        guard case .array(let elements) = json else {
            throw ManifoldError(.invalidLayout, "manifest.json: expected an array, got \(json.typeName)")
        }
        guard !elements.isEmpty else {
            throw ManifoldError(.invalidLayout, "manifest.json lists no images")
        }
        return try elements.enumerated().map { index, element in
            try DockerArchiveManifest(json: element, context: "manifest.json[\(index)]")
        }
    }

    init(json: JSONValue, context: String) throws {
        let fields = try JSONFields(json, context: context, known: Self.knownKeys)
        config = try fields.requiredString("Config")
        repoTags = try fields.stringArray("RepoTags") ?? []
        layers = try fields.stringArray("Layers") ?? []
        var sources: [String: Descriptor] = [:]
        if case .object(let object)? = fields.value("LayerSources") {
            for (diffID, value) in object.members {
                sources[diffID] = try Descriptor(json: value, context: "\(context).LayerSources[\(diffID)]")
            }
        }
        layerSources = sources
    }

    /// The digest a docker-save path names: `<hex>.json` (a config, named by its digest in
    /// every Docker version) or `blobs/<alg>/<encoded>` (Docker 25+).
    static func digestNamed(by path: String) -> Digest? {
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 3, parts[0] == "blobs", let algorithm = try? DigestAlgorithm(parts[1]) {
            return try? Digest(algorithm: algorithm, encoded: parts[2])
        }
        if parts.count == 1, path.hasSuffix(".json") {
            return try? Digest(algorithm: .sha256, encoded: String(path.dropLast(5)))
        }
        return nil
    }
}
