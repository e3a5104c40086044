// https://github.com/opencontainers/image-spec/blob/main/config.md
// https://github.com/opencontainers/image-spec/blob/main/schema/config-schema.json

extension ImageConfig {
    /// The members of the config's `config` object (the execution parameters) that the spec types.
    static let executionKeys = ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels",
                                "StopSignal", "ArgsEscaped"]
    static let historyKeys = ["created", "author", "created_by", "comment", "empty_layer"]

    /// Checks every field the image-spec types in a config, beyond the ones ``ImageConfig``
    /// keeps: `created` and `author`, `architecture` and `os` (required), the execution
    /// parameters in `config` and the `history` entries. Unknown members stay allowed, as the
    /// spec says; a key that differs from a known one only in case is refused, as everywhere.
    ///
    /// `null` reads as absent for every optional member (the decoder's rule throughout):
    /// Docker's engine writes `"Env": null` and `"Volumes": null` for images without them.
    static func checkSchema(_ fields: JSONFields) throws {
        let top = try JSONFields(.object(fields.object), context: fields.context,
                                 known: knownKeys + ["created", "author", "config", "history"])
        for key in ["architecture", "os"] { _ = try top.requiredString(key) }
        try checkDateTime(top.string("created"), field: "\(top.context).created")
        _ = try top.string("author")
        if let execution = top.value("config") {
            try checkExecution(JSONFields(execution, context: "\(top.context).config", known: executionKeys))
        }
        for (index, entry) in (try top.array("history") ?? []).enumerated() {
            let history = try JSONFields(entry, context: "\(top.context).history[\(index)]", known: historyKeys)
            try checkDateTime(history.string("created"), field: "\(history.context).created")
            for key in ["author", "created_by", "comment"] { _ = try history.string(key) }
            _ = try history.bool("empty_layer")
        }
    }

    /// `config`: how a container from this image runs.
    private static func checkExecution(_ fields: JSONFields) throws {
        for key in ["User", "WorkingDir", "StopSignal"] { _ = try fields.string(key) }
        for key in ["ExposedPorts", "Volumes"] { try fields.checkObjectMap(key) }
        for key in ["Entrypoint", "Cmd"] { _ = try fields.stringArray(key) }
        _ = try fields.stringMap("Labels")
        _ = try fields.bool("ArgsEscaped")
        // "Entries are in the format of VARNAME=VARVALUE": a non-empty name, then "=".
        for (index, entry) in (try fields.stringArray("Env") ?? []).enumerated() {
            guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")), equals != entry.utf8.startIndex else {
                throw ManifoldError(.invalidDocument, "\(fields.context).Env[\(index)]: \(quoted(entry)) is not NAME=VALUE")
            }
        }
    }

    private static func checkDateTime(_ text: String?, field: String) throws {
        guard let text, !RFC3339.isDateTime(text) else { return }
        throw ManifoldError(.invalidDocument, "\(field): \(quoted(text)) is not an RFC 3339 date-time (e.g. 2015-10-31T22:22:56.015925234Z)")
    }
}
