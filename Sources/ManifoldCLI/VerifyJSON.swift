import Manifold

/// The `--json` report; its schema is documented in docs/verify-json.md and only grows.
enum VerifyJSON {
    static let version = 1

    /// The document's bytes and a final newline, written as they are: a wide image's report
    /// is megabytes, not to be held again as a String and then as a line.
    static func document(_ reports: [VerificationReport]) -> [UInt8] {
        var bytes = JSONWriter(indent: "  ", sortKeys: false).bytes(.object(root(reports)))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The document's members, for a command that adds its own (pull's `output`).
    static func root(_ reports: [VerificationReport]) -> JSONObject {
        // The same rule as the exit code (ExitStatus.combined): failed wins over unusable.
        let worst: String
        if reports.contains(where: { $0.status == .failed }) { worst = "failed" }
        else if reports.contains(where: { $0.status == .unusable }) { worst = "unusable" }
        else { worst = "verified" }
        return JSONObject([
            ("version", .number("\(version)")),
            ("status", .string(worst)),
            ("images", .array(reports.map(image))),
        ])
    }

    private static func image(_ report: VerificationReport) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("image", .string(report.image)),
            ("kind", report.kind.map { .string($0.rawValue) } ?? .null),
            ("status", .string(report.status.rawValue)),
        ]
        if let error = report.error {
            members.append(("error", .object(JSONObject([("code", .string("\(error.code)")), ("message", .string(error.message))]))))
        } else {
            members.append(("error", .null))
        }
        members += [
            ("images", .number("\(report.images)")),
            ("platforms", .array(report.platforms.map { .string($0.description) })),
            ("shallow", .bool(report.shallow)),
            ("summary", .object(JSONObject([
                ("blobs", .number("\(report.blobCount)")),
                ("bytes", .number("\(report.byteCount)")),
                ("seconds", .number(formatDecimal(report.seconds, places: 3))),
                ("verified", .number("\(report.results.filter { $0.status == .verified }.count)")),
                ("failed", .number("\(report.failedResults.count)")),
                ("unverified", .number("\(report.unverifiedResults.count)")),
            ]))),
            ("results", .array(report.results.map(result))),
            ("notes", .array(report.notes.map(JSONValue.string))),
            ("signatures", signatures(report.signatures)),
        ]
        return .object(JSONObject(members))
    }

    private static func result(_ result: DescriptorResult) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("path", .string(result.pathString)),
            ("pathComponents", .array(result.path.map(JSONValue.string))),
            ("kind", .string(result.kind.rawValue)),
            ("mediaType", result.mediaType.map(JSONValue.string) ?? .null),
            ("digest", result.digest.map { .string($0.description) } ?? .null),
            ("size", result.size.map { .number("\($0)") } ?? .null),
            ("platform", result.platform.map { .string($0.description) } ?? .null),
            ("status", .string(result.status.rawValue)),
            ("reason", result.reason.map { .string($0.rawValue) } ?? .null),
            ("problems", .array(result.problems.map { problem in
                .object(JSONObject([
                    ("kind", .string(problem.kind.rawValue)),
                    ("expected", problem.expected.map(JSONValue.string) ?? .null),
                    ("actual", problem.actual.map(JSONValue.string) ?? .null),
                    ("message", .string(problem.message)),
                ]))
            })),
            ("notes", .array(result.notes.map(JSONValue.string))),
            ("tags", .array(result.tags.map(JSONValue.string))),
            ("sameAs", result.sameAs.map { .string($0.joined(separator: " › ")) } ?? .null),
        ]
        // Only on artifacts: a wide image's report stays the size it was.
        if let value = result.artifact { members.append(("artifact", artifact(value))) }
        return .object(JSONObject(members))
    }

    private static func artifact(_ artifact: Artifact) -> JSONValue {
        .object(JSONObject([
            ("kind", .string(artifact.kind.rawValue)),
            ("artifactType", artifact.artifactType.map(JSONValue.string) ?? .null),
            ("subject", artifact.subject.map { .string($0.description) } ?? .null),
            ("recognisedBy", .string(artifact.recognisedBy)),
        ]))
    }

    /// `signatures`: null when the image carries none and no key was given.
    private static func signatures(_ report: SignatureReport?) -> JSONValue {
        guard let report else { return .null }
        return .object(JSONObject([
            ("checked", .bool(report.checked)),
            ("keys", .array(report.keys.map { key in
                .object(JSONObject([("name", .string(key.name)), ("algorithm", .string(key.algorithm.rawValue)), ("bits", .number("\(key.bits)"))]))
            })),
            ("trustPolicy", report.trustPolicy.map(JSONValue.string) ?? .null),
            ("requirement", .string(report.requirement.rawValue)),
            ("satisfied", report.checked ? .bool(report.satisfied) : .null),
            ("transparencyLog", .string("not consulted")),
            ("signatures", .array(report.signatures.map { signature in
                .object(JSONObject([
                    ("path", .string(signature.pathString)),
                    ("manifest", .string(signature.artifactDigest.description)),
                    ("signs", signature.signs.map { .string($0.description) } ?? .null),
                    ("payloadDigest", signature.payloadDigest.map { .string($0.description) } ?? .null),
                    ("format", .string(signature.format)),
                    ("status", .string(signature.status.rawValue)),
                    ("key", signature.key.map(JSONValue.string) ?? .null),
                    ("scheme", signature.scheme.map(JSONValue.string) ?? .null),
                    ("policy", signature.policy.map(JSONValue.string) ?? .null),
                    ("trustStore", signature.trustStore.map(JSONValue.string) ?? .null),
                    ("problems", .array(signature.problems.map(JSONValue.string))),
                    ("notes", .array(signature.notes.map(JSONValue.string))),
                ]))
            })),
            ("requirements", .array(report.requirements.map { requirement in
                .object(JSONObject([
                    ("path", .string(requirement.pathString)),
                    ("digest", .string(requirement.digest.description)),
                    ("satisfied", .bool(requirement.satisfied)),
                    ("verifiedBy", .array(requirement.verifiedBy.map(JSONValue.string))),
                ]))
            })),
            ("notes", .array(report.notes.map(JSONValue.string))),
        ]))
    }
}
