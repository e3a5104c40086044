// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests

import Manifold

extension RegistryClient {
    /// What manifest GETs accept: OCI and Docker schema 2 manifests and indexes. Schema 1 is
    /// left out on purpose; a registry that sends it anyway is refused by ``manifest(_:reference:limit:)``.
    package static let manifestAccept = [
        MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest,
    ]

    /// `GET /v2/NAME/manifests/REFERENCE` (a tag or a digest): the exact bytes, at most
    /// `limit` of them, or nil when the registry does not have it (404). A Docker schema 1
    /// manifest is refused with a message saying so.
    package func manifest(_ repository: RepositoryReference, reference: String, limit: Int) throws -> RegistryManifest? {
        let what = "manifest \(repository.path):\(reference)"
        var bytes: [UInt8] = []
        let answer = try send(Request("/v2/\(repository.path)/manifests/\(reference)", repository: repository, accept: Self.manifestAccept)) { head in
            if let length = head.contentLength, length > UInt64(max(limit, 0)) {
                throw ManifoldError(.limitExceeded, "\(what): \(length) bytes, above the \(limit)-byte limit for documents")
            }
            return .receive
        } body: { chunk in
            guard chunk.count <= limit - bytes.count else {
                throw ManifoldError(.limitExceeded, "\(what): more than the \(limit)-byte limit for documents")
            }
            bytes += chunk
        }
        if answer.status == 404 { return nil }
        guard answer.isSuccess else { throw failure(answer, "GET \(what)") }
        let contentType = answer.head.headers["Content-Type"].map { String($0.prefix { $0 != ";" }).trimmingSpaces.lowercased() }
        var mediaType = contentType ?? ""
        var schemaVersion: String?
        if case .object(let object)? = try? JSONParser.parse(bytes) {
            if case .string(let declared)? = object["mediaType"], mediaType.isEmpty || mediaType == "application/json" || mediaType == "text/plain" {
                mediaType = declared
            }
            if case .number(let version)? = object["schemaVersion"] { schemaVersion = version }
        }
        if mediaType == MediaType.dockerSchema1Manifest || mediaType == MediaType.dockerSchema1SignedManifest || schemaVersion == "1" {
            throw ManifoldError(
                .unsupportedFormat,
                "\(repository.canonical):\(reference) is a Docker schema 1 manifest, which manifold does not read (its layers have no verifiable digests of their own); push it again with a current client to convert it to schema 2")
        }
        let algorithm = (try? Digest(parsing: reference))?.algorithm ?? .sha256
        return RegistryManifest(bytes: bytes, digest: try DigestHasher.digest(of: bytes, algorithm: algorithm), mediaType: mediaType)
    }
}
