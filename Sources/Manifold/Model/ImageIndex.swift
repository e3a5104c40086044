// https://github.com/opencontainers/image-spec/blob/main/image-index.md

/// An image index (Docker: manifest list): one manifest per platform, or other indexes.
public struct ImageIndex: Sendable, Hashable {
    public var schemaVersion: Int64
    public var mediaType: String?
    public var artifactType: String?
    public var manifests: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(mediaType: String?, manifests: [Descriptor], annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = mediaType
        self.manifests = manifests
        self.annotations = annotations
    }

    static let knownKeys = ["schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations", "config", "layers"]

    /// Decodes an index strictly. `declaredMediaType` is what the descriptor pointing here
    /// says (nil for an OCI layout's index.json); the document's own `mediaType`, when
    /// present, must equal it (CVE-2021-41190).
    public init(json: JSONValue, declaredMediaType: String?) throws {
        let fields = try JSONFields(json, context: "index", known: Self.knownKeys)
        try checkSchemaVersion(fields)
        mediaType = try fields.string("mediaType")
        try checkMediaType(mediaType, declared: declaredMediaType, allowed: MediaType.isIndex)
        // An index that also carries a manifest's fields could be read as either.
        for key in ["config", "layers"] where fields.has(key) {
            throw ManifoldError(.invalidDocument, "index has a \"\(key)\" field: ambiguous between an index and a manifest (CVE-2021-41190)")
        }
        schemaVersion = 2
        artifactType = try fields.string("artifactType")
        try MediaType.checkGrammar(artifactType, field: "index.artifactType")
        manifests = try fields.requiredArray("manifests").enumerated().map { index, element in
            try Descriptor(json: element, context: "manifests[\(index)]")
        }
        subject = try fields.value("subject").map { try Descriptor(json: $0, context: "subject") }
        annotations = try fields.stringMap("annotations")
    }

    /// The index as a JSON object, fields in the spec's order.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("schemaVersion", .number(String(schemaVersion)))]
        if let mediaType { members.append(("mediaType", .string(mediaType))) }
        if let artifactType { members.append(("artifactType", .string(artifactType))) }
        members.append(("manifests", .array(manifests.map(\.json))))
        if let subject { members.append(("subject", subject.json)) }
        if let annotations {
            members.append(("annotations", .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))))
        }
        return .object(JSONObject(members))
    }
}

/// `schemaVersion` must be 2; schema 1 (Docker's old signed manifests) is named as such.
func checkSchemaVersion(_ fields: JSONFields) throws {
    guard let version = try fields.int64("schemaVersion") else {
        throw ManifoldError(.invalidDocument, "\(fields.context): schemaVersion is missing (must be 2)")
    }
    if version == 1 {
        throw ManifoldError(.unsupportedFormat, "Docker schema 1 manifests are not supported (schemaVersion 1); convert the image with a current Docker or skopeo")
    }
    guard version == 2 else {
        throw ManifoldError(.invalidDocument, "\(fields.context): schemaVersion is \(version), must be 2")
    }
}

/// A document's own `mediaType` must agree with its descriptor's and be of the right kind.
func checkMediaType(_ own: String?, declared: String?, allowed: (String) -> Bool) throws {
    guard let own else { return }
    if MediaType.isSchema1(own) {
        throw ManifoldError(.unsupportedFormat, "Docker schema 1 manifests are not supported (\(own))")
    }
    if let declared, own != declared {
        throw ManifoldError(.invalidDocument, "mediaType \(quoted(own)) differs from the descriptor's \(quoted(declared)) (CVE-2021-41190)")
    }
    guard allowed(own) else {
        throw ManifoldError(.invalidDocument, "mediaType \(quoted(own)) is not valid for this document")
    }
}
