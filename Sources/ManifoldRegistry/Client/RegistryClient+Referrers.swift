// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers

import Manifold

extension RegistryClient {
    /// `GET /v2/NAME/referrers/DIGEST`: the descriptors of the manifests whose `subject` is
    /// `digest`, or nil when the registry has no referrers API (404, as distribution 2.8
    /// answers; 400, 405 and 501 from others): the caller then reads the tag schema's
    /// `sha256-<hex>` index. At most `limit` bytes.
    package func referrers(_ repository: RepositoryReference, of digest: Digest, limit: Int) throws -> [Descriptor]? {
        let what = "referrers of \(repository.path)@\(digest)"
        var bytes: [UInt8] = []
        let answer = try send(Request("/v2/\(repository.path)/referrers/\(digest)", repository: repository, accept: [MediaType.ociIndex])) { head in
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
        if [400, 404, 405, 501].contains(answer.status) { return nil }
        guard answer.isSuccess else { throw failure(answer, "GET \(what)") }
        do {
            return try ImageIndex(json: try JSONParser.parse(bytes), declaredMediaType: MediaType.ociIndex).manifests
        } catch {
            throw ManifoldError(.invalidDocument, "\(what): the registry's answer is not an OCI index: \((error as? ManifoldError)?.message ?? "\(error)")")
        }
    }
}
