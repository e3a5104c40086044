/// An in-toto statement (the payload of a DSSE envelope, `application/vnd.in-toto+json`): what
/// it is about (its subjects' digests) and what it says (its predicate type).
struct InTotoStatement {
    static let payloadType = "application/vnd.in-toto+json"
    /// cosign v3's predicate for an image signature (anything else is an attestation).
    static let cosignSignPredicate = "https://sigstore.dev/cosign/sign/v1"

    let predicateType: String
    /// The subjects' sha256 digests.
    let subjects: [Digest]

    init(bytes: [UInt8]) throws {
        guard case .object(let root) = try JSONParser.parse(bytes) else {
            throw ManifoldError(.invalidDocument, "in-toto statement is not a JSON object")
        }
        guard case .string(let predicate)? = root["predicateType"] else {
            throw ManifoldError(.invalidDocument, "in-toto statement has no predicateType")
        }
        predicateType = predicate
        guard case .array(let list)? = root["subject"] else {
            throw ManifoldError(.invalidDocument, "in-toto statement has no subject")
        }
        var subjects: [Digest] = []
        for case .object(let subject) in list {
            if case .object(let digests)? = subject["digest"], case .string(let hex)? = digests["sha256"],
               let digest = try? Digest(parsing: "sha256:\(hex)") {
                subjects.append(digest)
            }
        }
        self.subjects = subjects
    }
}
