/// cosign's simple signing payload (`application/vnd.dev.cosign.simplesigning.v1+json`):
/// `{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},
/// "type":"cosign container image signature"},"optional":…}`. The signature is over its exact
/// bytes, so only what is read from them is trusted, never a re-serialization.
struct CosignPayload {
    static let type = "cosign container image signature"

    /// The manifest the payload says is signed.
    let manifestDigest: Digest
    /// The reference it was signed as (`registry.example/app`), when given.
    let dockerReference: String?

    init(bytes: [UInt8]) throws {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw ManifoldError(.invalidDocument, "payload is not JSON: \(asManifoldError(error).message)")
        }
        guard case .object(let root) = json, case .object(let critical)? = root["critical"] else {
            throw ManifoldError(.invalidDocument, "payload has no \"critical\" object")
        }
        guard case .string(let type)? = critical["type"], type == Self.type else {
            throw ManifoldError(.invalidDocument, "payload critical.type is not \(quoted(Self.type))")
        }
        guard case .object(let image)? = critical["image"], case .string(let digest)? = image["docker-manifest-digest"] else {
            throw ManifoldError(.invalidDocument, "payload has no critical.image.docker-manifest-digest")
        }
        do {
            manifestDigest = try Digest(parsing: digest)
        } catch {
            throw ManifoldError(.invalidDocument, "payload critical.image.docker-manifest-digest \(quoted(digest)) is not a digest")
        }
        if case .object(let identity)? = critical["identity"], case .string(let reference)? = identity["docker-reference"] {
            dockerReference = reference
        } else {
            dockerReference = nil
        }
    }
}
