// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests

import Manifold

extension RegistryClient {
    /// How an upload began: the registry mounted the blob from another repository (done, no
    /// byte to send), or an upload session started at `location` (kept whole: absolute or
    /// relative as the registry gave it, resolved here, its query included).
    package enum UploadStart: Sendable, Equatable {
        case mounted
        /// `minimumChunk`: the registry's `OCI-Chunk-Min-Length`, when it gave one.
        case started(location: String, minimumChunk: UInt64?)
    }

    /// `HEAD /v2/NAME/blobs/DIGEST`: whether the repository has the blob.
    package func hasBlob(_ repository: RepositoryReference, digest: Digest) throws -> Bool {
        try exists(repository, "/v2/\(repository.path)/blobs/\(digest)", what: "blob \(digest.abbreviated)… of \(repository.path)")
    }

    /// `HEAD /v2/NAME/manifests/REFERENCE`: whether the repository has the manifest.
    package func hasManifest(_ repository: RepositoryReference, reference: String) throws -> Bool {
        var request = Request("/v2/\(repository.path)/manifests/\(reference)", repository: repository, accept: Self.manifestAccept,
                              method: .head)
        request.pushes = true
        let answer = try send(request) { _ in .receive } body: { _ in }
        if answer.status == 404 { return false }
        guard answer.isSuccess else { throw failure(answer, "HEAD manifest \(repository.path):\(reference)") }
        return true
    }

    private func exists(_ repository: RepositoryReference, _ target: String, what: String) throws -> Bool {
        var request = Request(target, repository: repository, method: .head)
        request.pushes = true
        let answer = try send(request) { _ in .receive } body: { _ in }
        if answer.status == 404 { return false }
        guard answer.isSuccess else { throw failure(answer, "HEAD \(what)") }
        return true
    }

    /// `POST /v2/NAME/blobs/uploads/`, with `?mount=DIGEST&from=SOURCE` when `mount` names a
    /// blob of another repository of this registry: 201 is a mount, 202 an upload to make.
    package func startUpload(_ repository: RepositoryReference, mount: (digest: Digest, from: RepositoryReference)? = nil) throws -> UploadStart {
        var target = "/v2/\(repository.path)/blobs/uploads/"
        if let mount { target += "?mount=\(mount.digest)&from=\(mount.from.path)" }
        var request = Request(target, repository: repository, method: .post)
        request.pushes = true
        request.mountsFrom = mount?.from
        let answer = try send(request) { _ in .receive } body: { _ in }
        if answer.status == 201, mount != nil { return .mounted }
        guard answer.status == 202 || answer.status == 201, let location = answer.head.headers["Location"] else {
            throw answer.isSuccess
                ? ManifoldError(.unreadable, "POST upload of \(repository.path) on \(host): the registry answered \(answer.status) without a Location")
                : failure(answer, "POST upload of \(repository.path)")
        }
        return .started(location: try resolve(location, repository: repository),
                        minimumChunk: answer.head.headers["OCI-Chunk-Min-Length"].flatMap { UInt64($0.trimmingSpaces) })
    }

    /// `location` (an upload's `Location`) as an absolute URL on the registry.
    func resolve(_ location: String, repository: RepositoryReference) throws -> String {
        try URLParts(baseURL() + "/v2/\(repository.path)/blobs/uploads/").resolving(location).url
    }

    /// `location` with `digest=DIGEST` added to its query.
    static func completing(_ location: String, digest: Digest) -> String {
        location + (location.contains("?") ? "&" : "?") + "digest=\(digest)"
    }

    /// `PUT LOCATION&digest=DIGEST`, ending the upload: with `upload` streamed (a whole blob
    /// in one request) or `bytes` (small, or the end of a chunked upload: none). The
    /// registry's `Docker-Content-Digest`, when given, must be `digest`.
    /// `redirected`: `location` is where a redirect sent this `PUT` (its query already says
    /// the digest), used as it is.
    package func completeUpload(_ repository: RepositoryReference, location: String, digest: Digest, bytes: [UInt8]? = nil,
                                upload: HTTPUploadBody? = nil, redirected: Bool = false) throws {
        var request = Request(redirected ? location : Self.completing(location, digest: digest), repository: repository, method: .put)
        request.pushes = true
        request.headers.add("Content-Type", "application/octet-stream")
        request.body = bytes ?? []
        request.upload = upload
        request.blob = digest
        let answer = try send(request) { _ in .receive } body: { _ in }
        guard answer.isSuccess else { throw uploadFailure(answer, "PUT blob \(digest.abbreviated)… of \(repository.path)") }
        try agree(answer, digest, "blob \(digest.abbreviated)… of \(repository.path)")
    }

    /// `PATCH LOCATION` with `bytes` at offset `start` (`Content-Range: START-END`): one chunk
    /// of a chunked upload. Returns where the upload goes on (the answer's `Location`).
    package func uploadChunk(_ repository: RepositoryReference, location: String, bytes: [UInt8], start: UInt64,
                             blob: Digest? = nil) throws -> String {
        var request = Request(location, repository: repository, method: .patch)
        request.pushes = true
        request.blob = blob
        request.headers.add("Content-Type", "application/octet-stream")
        request.headers.add("Content-Range", "\(start)-\(start + UInt64(bytes.count) - 1)")
        request.retriesLostConnections = false
        request.body = bytes
        let answer = try send(request) { _ in .receive } body: { _ in }
        if answer.status == 416 {
            // The registry holds another length than this chunk starts at (it took part of an
            // earlier one): the caller asks it how much, and goes on from there.
            // Its answer's Location is where the upload goes on (a registry may refuse the
            // one just used from now on).
            let next = try answer.head.headers["Location"].map { try resolve($0, repository: repository) }
            throw ManifoldError(.unreadable, "PATCH upload of \(repository.path) on \(host): the registry refused the range \(start)-…",
                                cause: UploadRangeRefused(location: next))
        }
        guard answer.status == 202 || answer.isSuccess else { throw uploadFailure(answer, "PATCH upload of \(repository.path)") }
        return try answer.head.headers["Location"].map { try resolve($0, repository: repository) } ?? location
    }

    /// The error for an answer about an upload that was not a success. A 404 says the upload is
    /// gone — docker-registry's upload state (in the Location's query) names the offset it was
    /// given at, a PATCH cut off part-way leaves another, and the upload is refused from then on
    /// (BLOB_UPLOAD_INVALID); or it expired, or a closing PUT sent again after its answer was
    /// lost finds it closed (BLOB_UPLOAD_UNKNOWN) — so its cause is ``UploadSessionLost``: the
    /// blob is sent again whole, in a new upload.
    private func uploadFailure(_ answer: Answer, _ what: String) -> ManifoldError {
        let error = failure(answer, what)
        return answer.status == 404 ? ManifoldError(.unreadable, error.message, cause: UploadSessionLost()) : error
    }

    /// `GET LOCATION`: how many bytes the registry holds of the upload (from its `Range:
    /// 0-LAST`; 0 when it has none), and where the upload goes on.
    package func uploadStatus(_ repository: RepositoryReference, location: String) throws -> (received: UInt64, location: String) {
        var request = Request(location, repository: repository)
        request.pushes = true
        let answer = try send(request) { _ in .discard } body: { _ in }
        guard answer.status == 204 || answer.isSuccess else { throw uploadFailure(answer, "GET upload status of \(repository.path)") }
        let next = try answer.head.headers["Location"].map { try resolve($0, repository: repository) } ?? location
        guard let range = answer.head.headers["Range"]?.trimmingSpaces, let dash = range.lastIndex(of: "-"),
              let last = UInt64(range[range.index(after: dash)...]) else { return (0, next) }
        return (last + 1, next)
    }

    /// `PUT /v2/NAME/manifests/REFERENCE` (a digest for children, a tag for the top) with
    /// `Content-Type` the document's media type; exactly `bytes`. The registry's
    /// `Docker-Content-Digest`, when given, must be `digest`. Returns whether the registry
    /// answered `OCI-Subject`: it indexed the document's `subject` for its referrers API.
    @discardableResult
    package func putManifest(_ repository: RepositoryReference, reference: String, mediaType: String, bytes: [UInt8], digest: Digest) throws -> Bool {
        var request = Request("/v2/\(repository.path)/manifests/\(reference)", repository: repository, method: .put)
        request.pushes = true
        request.headers.add("Content-Type", mediaType)
        request.body = bytes
        let answer = try send(request) { _ in .receive } body: { _ in }
        guard answer.isSuccess else { throw failure(answer, "PUT manifest \(repository.path):\(reference)") }
        try agree(answer, digest, "manifest \(repository.path):\(reference)")
        return answer.head.headers["OCI-Subject"] != nil
    }

    private func agree(_ answer: Answer, _ digest: Digest, _ what: String) throws {
        if let said = answer.head.headers["Docker-Content-Digest"]?.trimmingSpaces, !said.isEmpty, said != digest.description {
            throw ManifoldError(.digestMismatch, "\(what) on \(host): the registry stored it as \(said), not \(digest)")
        }
    }
}

/// The registry no longer knows an upload (404 to its status) after a connection was lost:
/// it cannot be resumed, only started again.
package struct UploadSessionLost: Error {}

/// A chunk's `Content-Range` did not start where the registry's upload ends (416); the
/// answer's `Location`, when it gave one.
struct UploadRangeRefused: Error {
    let location: String?
}
