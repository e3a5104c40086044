// https://github.com/opencontainers/image-spec/blob/main/config.md#properties (`config`)

/// The execution parameters of an image config (its `config` object): what a runtime uses as
/// the base of a container — user, environment, entrypoint and command, working directory,
/// exposed ports, volumes, labels, stop signal.
///
/// Decoded strictly, with the types the image-spec's schema gives every member (a string where
/// it says a string, arrays of strings for `Env`, `Entrypoint` and `Cmd`, `NAME=VALUE` env
/// entries, objects of empty objects for `ExposedPorts` and `Volumes`), tolerant of members it
/// does not know, as the spec requires; `null` reads as absent (Docker writes `"Env": null`).
public struct ExecutionConfig: Sendable, Hashable {
    public var user: String?
    /// `ExposedPorts` keys (`80/tcp`), sorted; the values are empty objects by spec.
    public var exposedPorts: [String]
    public var env: [String]
    public var entrypoint: [String]?
    public var cmd: [String]?
    /// `Volumes` keys, sorted.
    public var volumes: [String]
    public var workingDir: String?
    public var labels: [String: String]
    public var stopSignal: String?
    public var argsEscaped: Bool?

    static let knownKeys = ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels",
                            "StopSignal", "ArgsEscaped"]

    public init(json: JSONValue) throws {
        let fields = try JSONFields(json, context: "config.config", known: Self.knownKeys)
        user = try fields.string("User")
        exposedPorts = try Self.keys(fields, "ExposedPorts")
        env = try fields.stringArray("Env") ?? []
        // "Entries are in the format of VARNAME=VARVALUE": a non-empty name, then "=".
        for (index, entry) in env.enumerated() {
            guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")), equals != entry.utf8.startIndex else {
                throw ManifoldError(.invalidDocument, "\(fields.context).Env[\(index)]: \(quoted(entry)) is not NAME=VALUE")
            }
        }
        entrypoint = try fields.stringArray("Entrypoint")
        cmd = try fields.stringArray("Cmd")
        volumes = try Self.keys(fields, "Volumes")
        workingDir = try fields.string("WorkingDir")
        labels = try fields.stringMap("Labels") ?? [:]
        stopSignal = try fields.string("StopSignal")
        argsEscaped = try fields.bool("ArgsEscaped")
    }

    /// A set written as an object's keys (`{"80/tcp": {}}`), sorted; every value an object.
    private static func keys(_ fields: JSONFields, _ key: String) throws -> [String] {
        try fields.checkObjectMap(key)
        guard case .object(let object)? = fields.value(key) else { return [] }
        return object.keys.sorted()
    }
}
