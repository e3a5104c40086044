// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-blobs
// https://www.rfc-editor.org/rfc/rfc9110#section-14.4 (Content-Range)

import Manifold

extension RegistryClient {
    /// Streams blob `digest` of `repository` into `consume`, front to back, each byte once:
    /// at most `size + 1` bytes (one past the descriptor's size, so that a longer blob is seen
    /// to be longer and no more is read). A connection dropped part-way is resumed with
    /// `Range` from the first byte not yet consumed; the answer must be 206 with a matching
    /// `Content-Range`, else the blob is sent again from its start and the bytes already
    /// consumed are skipped (whoever consumes keeps its hash state). Returns false when the
    /// registry does not have the blob (404 before any byte).
    package func blob(
        _ repository: RepositoryReference, digest: Digest, size: UInt64, consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        let what = "blob \(digest.abbreviated)… of \(repository.path)"
        let cap = size &+ 1
        var consumed: UInt64 = 0
        var attempt = 0
        var usesRange = true
        let started = WallClock.now()
        while true {
            attempt += 1
            var skip: UInt64 = 0
            let resumeAt = consumed
            let ranged = usesRange && resumeAt > 0
            do {
                var request = Request(
                    "/v2/\(repository.path)/blobs/\(digest)", repository: repository,
                    range: ranged ? HTTPByteRange(start: resumeAt) : nil)
                request.prefersHTTP1 = true
                request.blob = digest
                let answer = try send(request) { head in
                    if head.status == 206 {
                        // Only the part asked for will do; any other is asked for again whole.
                        guard ranged, Self.contentRangeStart(head.headers["Content-Range"]) == resumeAt else {
                            throw RestartWithoutRange()
                        }
                    } else {
                        // The whole blob again: skip what was consumed already.
                        skip = resumeAt
                    }
                    return .receive
                } body: { chunk in
                    var chunk = chunk
                    if skip > 0 {
                        let dropped = Int(min(UInt64(chunk.count), skip))
                        skip -= UInt64(dropped)
                        chunk = UnsafeRawBufferPointer(rebasing: chunk[dropped...])
                    }
                    guard !chunk.isEmpty, consumed < cap else { return }
                    let count = Int(min(UInt64(chunk.count), cap - consumed))
                    consumed += UInt64(count)
                    try consume(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
                    if consumed >= cap { throw BlobCapReached() }
                }
                if answer.status == 404, resumeAt == 0 { return false }
                guard answer.isSuccess else { throw failure(answer, "GET \(what)") }
                return true
            } catch is BlobCapReached {
                return true
            } catch is RestartWithoutRange {
                guard usesRange, attempt < retry.maxAttempts else {
                    throw ManifoldError(.unreadable, "\(what): the registry answered with a part of the blob that was not asked for")
                }
                usesRange = false
                tally.retried(digest)
            } catch let error as ManifoldError {
                guard let transport = error.cause as? HTTPTransportFailure, transport.mayHelpToRetry else { throw error }
                try waitBeforeRetry(after: attempt, retryAfter: nil, started: started, failing: error)
                // Bytes consumed: the next request asks for the rest (or, without Range, skips them).
                if consumed > 0, usesRange { tally.resumed(digest) } else { tally.retried(digest) }
            }
        }
    }

    /// The first offset of `Content-Range: bytes FIRST-LAST/TOTAL`, or nil.
    static func contentRangeStart(_ value: String?) -> UInt64? {
        guard let value = value?.trimmingSpaces, value.hasPrefix("bytes ") else { return nil }
        let spec = value.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        return UInt64(spec[..<dash])
    }
}

/// Ends a blob download once one byte more than the descriptor's size has arrived.
private struct BlobCapReached: Error {}

/// A 206 whose `Content-Range` is not the part asked for: ask for the whole blob instead.
private struct RestartWithoutRange: Error {}
