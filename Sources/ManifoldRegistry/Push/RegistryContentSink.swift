// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#push

import Dispatch
import Manifold

/// One repository of a registry as a ``ConcurrentContentSink``: what `push`, `copy` and
/// `pack --push` write through.
///
/// A blob the repository has already (`HEAD` 200) is not sent; one another repository of
/// the registry has (`mountSource`) is mounted; else it is uploaded: in one streamed `PUT`
/// (``UploadPipe``: the body goes from the measuring thread to curl as it is read, its end
/// held back until the caller's checks passed), or, above ``chunkedAbove`` bytes, in `PATCH`
/// chunks of ``chunkSize`` (at least the registry's `OCI-Chunk-Min-Length`), each resumed
/// from the registry's `Range` when a connection drops (or, when the registry then no longer
/// knows the upload, as docker-registry after a cut-off `PATCH`, the blob is read and sent
/// again in a new one), and a final `PUT ?digest=` sent only
/// once the checks passed. Manifests go up by digest as they are put, with their media type
/// as `Content-Type`, and are skipped when the registry has them; ``setTag(_:for:)`` puts
/// the top one under its tag. Nothing is re-serialized.
///
/// There is nothing to commit or abort: a blob is invisible until a manifest names it, and
/// the caller puts manifests only once every blob under them is up, the tag last.
public final class RegistryContentSink: ConcurrentContentSink, Sendable {
    public let repository: RepositoryReference
    package let client: RegistryClient
    /// A repository of the same registry that blobs may be mounted from (a copy's source).
    public let mountSource: RepositoryReference?
    /// Blobs larger than this go up in chunks.
    package let chunkedAbove: UInt64
    /// Bytes per chunk, unless the registry asks for more.
    package let chunkSize: Int
    /// Documents put, by digest, for ``setTag(_:for:)``.
    private let documents = Locked([Digest: [UInt8]]())
    /// Uploads a refused mount started (a 202), to go on with in ``putBlob(_:from:)``.
    private let started = Locked([Digest: RegistryClient.UploadStart]())
    /// Where a redirect sent a streamed upload, to send the blob there when it is put again.
    private let redirected = Locked([Digest: String]())
    /// Held across the read-modify-put of a referrers tag index.
    private let referrersTag = Locked(())

    package init(repository: RepositoryReference, client: RegistryClient, mountSource: RepositoryReference? = nil,
                 chunkedAbove: UInt64 = 256 << 20, chunkSize: Int = 8 << 20) {
        self.repository = repository
        self.client = client
        self.mountSource = mountSource.flatMap { $0 == repository ? nil : $0 }
        self.chunkedAbove = chunkedAbove
        self.chunkSize = max(chunkSize, 1)
    }

    /// Checks that the registry answers and takes the credentials (`GET /v2/`), so that an
    /// unreachable or refusing destination is one error before any blob is read, not one per blob.
    public func checkReachable() throws {
        try client.ping()
    }

    public func place(_ descriptor: Descriptor) throws -> BlobPlacement? {
        if try client.hasBlob(repository, digest: descriptor.digest) { return .present }
        guard let mountSource else { return nil }
        let start = try client.startUpload(repository, mount: (descriptor.digest, mountSource))
        if start == .mounted { return .mounted }
        started.withLock { $0[descriptor.digest] = start }
        return nil
    }

    public func putBlob(_ descriptor: Descriptor, from body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        if let target = redirected.withLock({ $0.removeValue(forKey: descriptor.digest) }) {
            return try putStreamed(descriptor.digest, size: UInt64(max(descriptor.size, 0)), location: target, redirected: true, from: body)
        }
        let start = try started.withLock { $0.removeValue(forKey: descriptor.digest) } ?? client.startUpload(repository)
        guard case .started(let location, let minimumChunk) = start else { return }
        let size = UInt64(max(descriptor.size, 0))
        if size > chunkedAbove {
            let chunk = Int(clamping: max(UInt64(chunkSize), minimumChunk ?? 0))
            try putChunked(descriptor.digest, size: size, location: location, chunk: chunk, from: body)
        } else {
            try putStreamed(descriptor.digest, size: size, location: location, from: body)
        }
    }

    /// One `PUT` whose body curl reads from the pipe on a thread of its own while `body`
    /// fills it here.
    private func putStreamed(_ digest: Digest, size: UInt64, location: String, redirected isRedirect: Bool = false,
                             from body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let pipe = UploadPipe()
        let upload = HTTPUploadBody(length: size) { buffer in try pipe.read(into: buffer) }
        let failure = Locked<(any Error)?>(nil)
        let done = DispatchGroup()
        let client = self.client
        let repository = self.repository
        let redirects = self.redirected
        // A queue of its own (as the measurer's stages have): it gets a thread even when every
        // worker of the global pool is blocked, feeding an upload like this one.
        DispatchQueue(label: "manifold.upload").async(group: done) {
            do {
                try client.completeUpload(repository, location: location, digest: digest, upload: upload, redirected: isRedirect)
            } catch {
                if let redirect = (error as? ManifoldError)?.cause as? StreamedBodyRedirected {
                    redirects.withLock { $0[digest] = redirect.location }
                } else if Self.isCutOff(error) || (error as? ManifoldError)?.cause is UploadSessionLost {
                    // The caller reads the blob again and sends it whole (``mayRetryPut(after:)``).
                    client.tally.retried(digest)
                }
                failure.withLock { $0 = error }
            }
            pipe.close()
        }
        do {
            var written: UInt64 = 0
            try body { bytes in
                written += UInt64(bytes.count)
                guard written <= size else {
                    throw ManifoldError(.sizeMismatch, "blob \(digest.abbreviated)…: more than the \(size) bytes its descriptor gives")
                }
                try pipe.write(bytes)
            }
            guard written == size else {
                throw ManifoldError(.sizeMismatch, "blob \(digest.abbreviated)…: \(written) bytes, not the \(size) its descriptor gives")
            }
            pipe.finish()
        } catch {
            pipe.fail(error)
            done.wait()
            // The upload's own failure explains a pipe closed under the writer.
            if error is UploadClosed, let cause = failure.withLock({ $0 }) { throw cause }
            throw error
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// `PATCH` chunks as `body` gives the bytes (each kept until the registry took it, to
    /// resume from its `Range`), then the closing `PUT ?digest=` once `body` returned.
    private func putChunked(_ digest: Digest, size: UInt64, location: String, chunk: Int,
                            from body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let (location, offset, _) = try sendChunks(location: location, chunk: chunk, blob: digest, from: body)
        guard offset == size else {
            throw ManifoldError(.sizeMismatch, "blob \(digest.abbreviated)…: \(offset) bytes, not the \(size) its descriptor gives")
        }
        try client.completeUpload(repository, location: location, digest: digest, bytes: [])
    }

    /// A blob whose digest is known at its end: `PATCH` chunks as `body` gives them, then
    /// the closing `PUT ?digest=` with the digest `body` returned (the registry checks it).
    public func putBlob(digestAtEnd body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Digest) throws {
        guard case .started(let location, let minimumChunk) = try client.startUpload(repository) else {
            throw ManifoldError(.internalFailure, "POST upload of \(repository.path): a mount answer to a plain upload")
        }
        // Half the chunk of a large blob's upload: several of these run at once (push
        // --compress, a layer per core), each holding its chunk and curl's copy of it; 4 MiB
        // kept a 2-core push of 500 MB under 55 MiB where 8 MiB took it to 71.
        let chunk = Int(clamping: max(UInt64(chunkSize / 2), minimumChunk ?? 0))
        let (last, _, digest) = try sendChunks(location: location, chunk: chunk, blob: nil, from: body)
        try client.completeUpload(repository, location: last, digest: digest, bytes: [])
    }

    /// Sends what `body` emits in `PATCH` chunks of `chunk` bytes (the last may be short);
    /// returns where the upload goes on and how many bytes it took.
    private func sendChunks<Result>(location: String, chunk: Int, blob: Digest?,
                                    from body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Result) throws -> (String, UInt64, Result) {
        var location = location
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk)
        var offset: UInt64 = 0
        func flush() throws {
            location = try sendChunk(buffer, at: offset, location: location, blob: blob)
            offset += UInt64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }
        let result = try body { bytes in
            var rest = bytes[...]
            while !rest.isEmpty {
                let take = min(chunk - buffer.count, rest.count)
                buffer += rest.prefix(take)
                rest = rest.dropFirst(take)
                if buffer.count == chunk { try flush() }
            }
        }
        if !buffer.isEmpty { try flush() }
        return (location, offset, result)
    }

    /// One chunk; after a lost connection (curl may have sent it again on a new one itself,
    /// which the registry then refuses with 416), asks the registry how much it holds and
    /// sends the rest of the chunk from there.
    private func sendChunk(_ bytes: [UInt8], at offset: UInt64, location: String, blob: Digest?) throws -> String {
        var location = location
        var sent = 0
        var attempt = 0
        while true {
            attempt += 1
            do {
                // The chunk as it is, unless part went already: no second copy of 8 MiB.
                return try client.uploadChunk(repository, location: location, bytes: sent == 0 ? bytes : Array(bytes[sent...]), start: offset + UInt64(sent),
                                              blob: blob)
            } catch let error as ManifoldError {
                if error.cause is UploadSessionLost, let blob { client.tally.retried(blob) }
                let lost = (error.cause as? HTTPTransportFailure)?.mayHelpToRetry == true || error.cause is UploadRangeRefused
                guard lost, attempt < client.retry.maxAttempts else { throw error }
                if let refused = error.cause as? UploadRangeRefused, let next = refused.location { location = next }
                if let blob { client.tally.resumed(blob) }
                client.sleepBeforeRetry(client.retry.delay(afterAttempt: attempt, retryAfter: nil))
                let status: (received: UInt64, location: String)
                do {
                    status = try client.uploadStatus(repository, location: location)
                } catch let lost as ManifoldError where lost.cause is UploadSessionLost {
                    // Sent again whole by the caller (``mayRetryPut(after:)``), from its source.
                    if let blob { client.tally.retried(blob) }
                    throw lost
                }
                guard status.received >= offset, status.received <= offset + UInt64(bytes.count) else { throw error }
                location = status.location
                sent = Int(status.received - offset)
                if sent == bytes.count { return location }
            }
        }
    }

    /// A connection lost (or refused) in the middle of a streamed upload: the registry drops
    /// the incomplete upload, so the blob is sent again from its start in a new one.
    /// A streamed upload redirected (a 307 to a storage backend) may be read again and sent
    /// where the redirect said.
    public func mayRetryPut(after error: any Error) -> Bool {
        if (error as? ManifoldError)?.cause is StreamedBodyRedirected { return true }
        // A chunked upload the registry dropped after a lost connection: a new one, whole.
        if (error as? ManifoldError)?.cause is UploadSessionLost { return true }
        return Self.isCutOff(error)
    }

    /// A streamed upload's connection lost part-way.
    static func isCutOff(_ error: any Error) -> Bool {
        guard let error = error as? ManifoldError, let failure = error.cause as? HTTPTransportFailure else { return false }
        // curl's own resend on a fresh connection cannot rewind a streamed body (error 65):
        // that, too, is a connection lost.
        return failure.mayHelpToRetry || failure.curlCode == Self.curlSendFailRewind
    }

    /// CURLE_SEND_FAIL_REWIND.
    static let curlSendFailRewind = 65

    public func publishDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws -> BlobPlacement {
        if RegistryContentProvider.isManifestType(descriptor.mediaType) {
            documents.withLock { $0[descriptor.digest] = bytes }
            let referrer = ReferrersTagIndex.entry(for: descriptor, bytes: bytes)
            if try client.hasManifest(repository, reference: descriptor.digest.description) {
                // Put before, perhaps by a client that left the fallback index to others.
                if let referrer, try client.referrers(repository, of: referrer.subject, limit: ImageLimits().documentSize) == nil {
                    try indexReferrer(referrer.entry, of: referrer.subject)
                }
                return .present
            }
            let indexed = try client.putManifest(repository, reference: descriptor.digest.description, mediaType: descriptor.mediaType,
                                                 bytes: bytes, digest: descriptor.digest)
            if let referrer, !indexed { try indexReferrer(referrer.entry, of: referrer.subject) }
            return .uploaded
        }
        if let placement = try place(descriptor) { return placement }
        var start = try started.withLock { $0.removeValue(forKey: descriptor.digest) } ?? client.startUpload(repository)
        var attempt = 0
        while true {
            attempt += 1
            guard case .started(let location, _) = start else { return .mounted }
            do {
                try client.completeUpload(repository, location: location, digest: descriptor.digest, bytes: bytes)
                return .uploaded
            } catch let error as ManifoldError where error.cause is UploadSessionLost && attempt < client.retry.maxAttempts {
                // A PUT cut off part-way leaves the upload refused from then on (the client
                // sends it again on the same one): the bytes go again, in a new upload.
                client.tally.retried(descriptor.digest)
                start = try client.startUpload(repository)
            }
        }
    }

    /// A referrer put to a registry that did not answer `OCI-Subject` (no referrers API, as
    /// distribution 2.8): its descriptor added to the `sha256-<hex>` index of the referrers
    /// tag schema, fetched and put back. One at a time in this push; another client updating
    /// the same tag at the same moment can still lose an entry (the spec's fallback has no
    /// compare-and-swap).
    private func indexReferrer(_ entry: Descriptor, of subject: Digest) throws {
        let tag = ReferrersTagIndex.tag(for: subject)
        try referrersTag.withLock { _ in
            let existing = try client.manifest(repository, reference: tag, limit: ImageLimits().documentSize)
            guard let bytes = try ReferrersTagIndex.adding(entry, to: existing.map { ($0.bytes, $0.mediaType) }, tag: "\(repository.path):\(tag)") else { return }
            try client.putManifest(repository, reference: tag, mediaType: MediaType.ociIndex, bytes: bytes, digest: try DigestHasher.digest(of: bytes))
        }
    }

    public func putDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws {
        _ = try publishDocument(descriptor, bytes: bytes)
    }

    public func setTag(_ tag: String?, for descriptor: Descriptor) throws {
        guard let tag else { return }
        guard let bytes = documents.withLock({ $0[descriptor.digest] }) else {
            throw ManifoldError(.internalFailure, "tag \(tag): manifest \(descriptor.digest.abbreviated)… was not put first")
        }
        try client.putManifest(repository, reference: tag, mediaType: descriptor.mediaType, bytes: bytes, digest: descriptor.digest)
    }

    /// Nothing to do: every document was written as it was put, the tags last.
    public func commit() throws {}

    /// Nothing to undo: blobs put are invisible until a manifest names them.
    public func abort() {}
}
