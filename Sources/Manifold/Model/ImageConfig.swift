// https://github.com/opencontainers/image-spec/blob/main/config.md

/// The fields of an image config that manifold checks: the platform it was built for and
/// its root filesystem's layer digests.
public struct ImageConfig: Sendable, Hashable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var osVersion: String?
    public var osFeatures: [String]?
    /// `rootfs.type`; must be `layers`.
    public var rootfsType: String
    /// `rootfs.diff_ids`: the digest of each layer's uncompressed tar, in layer order.
    public var diffIDs: [Digest]
    /// When and by whom the image was made, as the config says (RFC 3339 text, not checked).
    public var created: String?
    public var author: String?
    /// The execution parameters (`config`), when the config has them.
    public var execution: ExecutionConfig?

    static let knownKeys = ["architecture", "os", "variant", "os.version", "os.features", "rootfs", "created", "author", "config"]

    public init(json: JSONValue) throws {
        let fields = try JSONFields(json, context: "config", known: Self.knownKeys)
        try Self.checkSchema(fields)
        architecture = try fields.string("architecture")
        os = try fields.string("os")
        variant = try fields.string("variant")
        osVersion = try fields.string("os.version")
        osFeatures = try fields.stringArray("os.features")
        created = try fields.string("created")
        author = try fields.string("author")
        execution = try fields.value("config").map(ExecutionConfig.init(json:))
        guard let rootfsJSON = fields.value("rootfs") else {
            throw ManifoldError(.invalidDocument, "config.rootfs is missing")
        }
        let rootfs = try JSONFields(rootfsJSON, context: "config.rootfs", known: ["type", "diff_ids"])
        rootfsType = try rootfs.requiredString("type")
        guard rootfsType == "layers" else {
            throw ManifoldError(.invalidDocument, "config.rootfs.type is \(quoted(rootfsType)), must be \"layers\"")
        }
        diffIDs = try rootfs.requiredArray("diff_ids").enumerated().map { index, element in
            guard case .string(let text) = element else {
                throw ManifoldError(.invalidDocument, "config.rootfs.diff_ids[\(index)]: expected a string, got \(element.typeName)")
            }
            do {
                return try Digest(parsing: text)
            } catch let error as ManifoldError {
                throw ManifoldError(.invalidDocument, "config.rootfs.diff_ids[\(index)]: \(error.message)")
            }
        }
    }

    /// The platform the config declares, when it names os and architecture.
    public var platform: Platform? {
        guard let os, let architecture else { return nil }
        return Platform(os: os, architecture: architecture, variant: variant, osVersion: osVersion, osFeatures: osFeatures)
    }
}
