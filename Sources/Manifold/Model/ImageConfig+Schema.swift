// https://github.com/opencontainers/image-spec/blob/main/config.md
// https://github.com/opencontainers/image-spec/blob/main/schema/config-schema.json

extension ImageConfig {
    static let historyKeys = ["created", "author", "created_by", "comment", "empty_layer"]

    /// Checks every field the image-spec types in a config that ``ImageConfig`` does not
    /// decode itself: `created` as RFC 3339, `architecture` and `os` (required) and the
    /// `history` entries (the execution parameters are ``ExecutionConfig``'s). Unknown
    /// members stay allowed, as the spec says; a key that differs from a known one only in
    /// case is refused, as everywhere.
    ///
    /// `null` reads as absent for every optional member (the decoder's rule throughout):
    /// Docker's engine writes `"Env": null` and `"Volumes": null` for images without them.
    static func checkSchema(_ fields: JSONFields) throws {
        let top = try JSONFields(.object(fields.object), context: fields.context,
                                 known: knownKeys + ["created", "author", "config", "history"])
        for key in ["architecture", "os"] { _ = try top.requiredString(key) }
        try checkDateTime(top.string("created"), field: "\(top.context).created")
        for (index, entry) in (try top.array("history") ?? []).enumerated() {
            let history = try JSONFields(entry, context: "\(top.context).history[\(index)]", known: historyKeys)
            try checkDateTime(history.string("created"), field: "\(history.context).created")
            for key in ["author", "created_by", "comment"] { _ = try history.string(key) }
            _ = try history.bool("empty_layer")
        }
    }

    private static func checkDateTime(_ text: String?, field: String) throws {
        guard let text, !RFC3339.isDateTime(text) else { return }
        throw ManifoldError(.invalidDocument, "\(field): \(quoted(text)) is not an RFC 3339 date-time (e.g. 2015-10-31T22:22:56.015925234Z)")
    }
}
