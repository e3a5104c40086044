// https://github.com/opencontainers/image-spec/blob/main/config.md#properties (`config`)

/// The execution parameters of an image config (its `config` object): what a runtime uses as
/// the base of a container — user, environment, entrypoint and command, working directory,
/// exposed ports, volumes, labels, stop signal.
///
/// Decoded strictly where read (a string where the spec says a string; an array of strings
/// for `Env`), tolerant of members it does not read, as the spec requires. `Entrypoint` and
/// `Cmd` may also be a single string, which Docker has always accepted (its strslice type).
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

    static let knownKeys = ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal"]

    public init(json: JSONValue) throws {
        let fields = try JSONFields(json, context: "config.config", known: Self.knownKeys)
        user = try fields.string("User")
        exposedPorts = try Self.keys(fields, "ExposedPorts")
        env = try fields.stringArray("Env") ?? []
        entrypoint = try Self.commandLine(fields, "Entrypoint")
        cmd = try Self.commandLine(fields, "Cmd")
        volumes = try Self.keys(fields, "Volumes")
        workingDir = try fields.string("WorkingDir")
        labels = try fields.stringMap("Labels") ?? [:]
        stopSignal = try fields.string("StopSignal")
    }

    /// A set written as an object's keys (`{"80/tcp": {}}`), sorted.
    private static func keys(_ fields: JSONFields, _ key: String) throws -> [String] {
        guard let value = fields.value(key) else { return [] }
        guard case .object(let object) = value else {
            throw ManifoldError(.invalidDocument, "config.config.\(key): expected an object, got \(value.typeName)")
        }
        return object.keys.sorted()
    }

    /// An array of strings, or one string (Docker's strslice).
    private static func commandLine(_ fields: JSONFields, _ key: String) throws -> [String]? {
        if case .string(let text)? = fields.value(key) { return [text] }
        return try fields.stringArray(key)
    }
}
