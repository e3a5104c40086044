// https://github.com/opencontainers/image-spec/blob/main/descriptor.md

/// A reference to content: its media type, digest and size, and what else the spec lets a
/// descriptor carry.
public struct Descriptor: Sendable, Hashable {
    public var mediaType: String
    public var digest: Digest
    /// The declared size in bytes; never negative (decoding refuses it).
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    /// `data`: the content itself, base64, embedded in the descriptor.
    public var data: String?
    public var platform: Platform?
    public var artifactType: String?

    public init(mediaType: String, digest: Digest, size: Int64, urls: [String]? = nil,
                annotations: [String: String]? = nil, data: String? = nil, platform: Platform? = nil,
                artifactType: String? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
        self.annotations = annotations
        self.data = data
        self.platform = platform
        self.artifactType = artifactType
    }

    static let knownKeys = ["mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"]

    /// Decodes a descriptor strictly: media type, digest (validated before anything can use
    /// it to build a path) and a non-negative size are required.
    init(json: JSONValue, context: String) throws {
        let fields = try JSONFields(json, context: context, known: Self.knownKeys)
        mediaType = try fields.requiredString("mediaType")
        let digestText = try fields.requiredString("digest")
        do {
            digest = try Digest(parsing: digestText)
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidDocument, "\(context).digest: \(error.message)")
        }
        size = try fields.requiredInt64("size")
        guard size >= 0 else {
            throw ManifoldError(.invalidDocument, "\(context).size: \(size) is negative")
        }
        urls = try fields.stringArray("urls")
        annotations = try fields.stringMap("annotations")
        data = try fields.string("data")
        platform = try fields.value("platform").map { try Platform(json: $0, context: "\(context).platform") }
        artifactType = try fields.string("artifactType")
        try checkSchema(context: context)
    }

    /// The descriptor as a JSON object.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("mediaType", .string(mediaType)), ("digest", .string(digest.description)), ("size", .number(String(size))),
        ]
        if let urls { members.append(("urls", .array(urls.map(JSONValue.string)))) }
        if let annotations {
            members.append(("annotations", .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))))
        }
        if let data { members.append(("data", .string(data))) }
        if let platform { members.append(("platform", platform.json)) }
        if let artifactType { members.append(("artifactType", .string(artifactType))) }
        return .object(JSONObject(members))
    }

    /// The bytes of `data`, strictly decoded (standard alphabet, padded).
    public func decodedData() throws -> [UInt8]? {
        guard let data else { return nil }
        guard let bytes = Base64.decode(data) else {
            throw ManifoldError(.invalidDocument, "data is not valid base64")
        }
        return bytes
    }

    /// The tag `org.opencontainers.image.ref.name` gives this entry of an index.json.
    public var referenceName: String? { annotations?["org.opencontainers.image.ref.name"] }
}
