// https://github.com/opencontainers/image-spec/blob/main/image-index.md#image-index-property-descriptions

/// The platform an image runs on: what an index entry's `platform` holds and what an image
/// config's os/architecture/variant say.
///
/// Every field of the spec is kept, so reading and writing a platform loses nothing.
/// Equality is literal; use ``normalized``, ``describes(config:)`` or ``isSelected(by:)`` for
/// containerd's rules.
public struct Platform: Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?
    /// `os.version`: Windows images name their build, e.g. `10.0.17763.1879`.
    public var osVersion: String?
    /// `os.features`, e.g. `win32k`.
    public var osFeatures: [String]?
    /// `features`: reserved by the spec, still found in Docker manifest lists.
    public var features: [String]?

    public init(os: String, architecture: String, variant: String? = nil, osVersion: String? = nil,
                osFeatures: [String]? = nil, features: [String]? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.features = features
    }

    /// Parses `os/arch[/variant]`, as `--platform` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            throw ManifoldError(.invalidArgument, "invalid platform \(quoted(text)): expected os/arch or os/arch/variant, e.g. linux/arm64 or linux/arm/v7")
        }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// `os/arch[/variant]`.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// The `unknown/unknown` platform buildx gives attestation manifests.
    public var isAttestation: Bool { os == "unknown" && architecture == "unknown" }

    static let knownKeys = ["os", "architecture", "variant", "os.version", "os.features", "features"]

    init(json: JSONValue, context: String) throws {
        let fields = try JSONFields(json, context: context, known: Self.knownKeys)
        self.init(
            os: try fields.requiredString("os"), architecture: try fields.requiredString("architecture"),
            variant: try fields.string("variant"), osVersion: try fields.string("os.version"),
            osFeatures: try fields.stringArray("os.features"), features: try fields.stringArray("features"))
    }

    /// The platform as a JSON object, fields in the spec's order.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("architecture", .string(architecture)), ("os", .string(os))]
        if let osVersion { members.append(("os.version", .string(osVersion))) }
        if let osFeatures { members.append(("os.features", .array(osFeatures.map(JSONValue.string)))) }
        if let variant { members.append(("variant", .string(variant))) }
        if let features { members.append(("features", .array(features.map(JSONValue.string)))) }
        return .object(JSONObject(members))
    }
}
