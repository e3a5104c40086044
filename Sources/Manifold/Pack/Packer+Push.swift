#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// `pack --push` without an output: the pack goes straight into a registry, no archive
/// written on the way. Each blob is read once from its input, measured as `push` measures it
/// (size, digest, and for a layer its compression and diff_id) while the same bytes are
/// uploaded, and its upload completed only once every check passed. The rules are
/// ``ImagePusher``'s: a blob the registry has (or can mount) is neither read nor sent, the
/// child manifests go up by digest once every blob is up, then the index, the tags last; a
/// blob that fails aborts its upload and the push, and no manifest is put.
extension Packer {
    /// Packs the inputs and publishes the result into `sink`: the index `pack()` would
    /// write (the same bytes, so the same digest), under each of `tags` in order (none: by
    /// digest only). `jobs` blobs go up at once (default: the number of cores + 1), at most
    /// one per core.
    /// `progress` is told of the bytes sent of the total, `blobProgress` of each blob's.
    /// Throws when an input fails a check (its blob named; nothing named by a manifest) or
    /// the registry refuses; with `flat`, the one manifest index.json would list is pushed,
    /// and several are refused.
    public func push(into sink: any ConcurrentContentSink, tags: [String], jobs: Int? = nil,
                     progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil,
                     blobProgress: ImagePusher.BlobProgress? = nil) throws -> (pack: PackResult, push: PushResult) {
        for tag in tags { try ImageTag.validate(tag, what: "the tag") }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        // No more at once than cores, as push's measurer runs them: each blob's measuring
        // keeps a core or more busy, and holds its buffers and its upload's queue.
        let publication = PackPublication(sink: sink, tags: tags, jobs: max(1, min(jobs ?? cores + 1, cores)), progress: progress,
                                          blobProgress: blobProgress)
        let (pack, push) = try packing(into: nil, cancellation: nil, publication: publication)
        guard let push else { throw ManifoldError(.internalFailure, "pack --push: the pack was not published") }
        return (pack, push)
    }

    /// Uploads the planned blobs (layers and configs) `publication.jobs` at once, largest
    /// first, then the manifests, the index and the tags.
    func publish(_ blobs: [String: PlannedBlob], entries: [PackEntry], roots: [(tag: String?, descriptor: Descriptor)],
                 index: Descriptor?, publication: PackPublication, cancellation: CancellationFlag?, start: Double) throws -> PushResult {
        let sink = publication.sink
        // What the tags name, settled before any byte is read: a registry tag names one image.
        let top: Descriptor
        if let index {
            top = index
        } else if roots.count == 1, let only = roots.first {
            top = only.descriptor
        } else {
            throw ManifoldError(.invalidArgument, "--flat lists \(roots.count) manifests in index.json, and a registry tag names one image: push the index (without --flat), or keep one platform with --platform")
        }
        let expectations = Self.expectations(of: entries)
        let uploads = blobs.values.filter { if case .document = $0.content { false } else { true } }
            .sorted { ($0.descriptor.size, $1.descriptor.digest.description) > ($1.descriptor.size, $0.descriptor.digest.description) }
        let total = uploads.map { UInt64(max($0.descriptor.size, 0)) }.saturatingSum()

        // The workers share the queue of blobs, the events, and the first failure, which
        // stops the others at their next chunk (their blob then not completed either).
        let queue = Locked(uploads[...])
        let events = Locked([Digest: BlobEvent]())
        let failure = Locked<(any Error)?>(nil)
        let stop = CancellationFlag()
        let sent = Locked<UInt64>(0)
        let limits = options.limits.decompression
        let workers = DispatchGroup()
        for _ in 0..<min(publication.jobs, max(uploads.count, 1)) {
            // A thread each (as the measurer's stages have): a worker blocked on its upload
            // never starves another, nor waits behind the width-limited global queue.
            DispatchQueue(label: "manifold.pack-push").async(group: workers) {
                while !stop.isCancelled, cancellation?.isCancelled != true, let blob = queue.withLock({ $0.popFirst() }) {
                    do {
                        let event = try Self.upload(blob, expectations: expectations[blob.descriptor.digest] ?? [], into: sink, limits: limits,
                                                    stop: stop) { digest, done, size, count in
                            let now = sent.withLock { $0 += UInt64(count); return $0 }
                            publication.progress?(now, total)
                            publication.blobProgress?(digest, done, size)
                        }
                        events.withLock { $0[event.digest] = event }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        stop.cancel()
                    }
                }
            }
        }
        workers.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        if cancellation?.isCancelled == true { throw CancellationError() }

        // Every blob is up and checked: the manifests (each once, children first), the top.
        var written = 0
        var present = 0
        var done = Set<Digest>()
        func document(_ descriptor: Descriptor, _ bytes: [UInt8]) throws {
            guard done.insert(descriptor.digest).inserted else { return }
            switch try sink.publishDocument(descriptor, bytes: bytes) {
            case .present: present += 1
            default: written += 1
            }
        }
        for entry in entries { try document(entry.image.descriptor, entry.image.bytes) }
        if let index, case .document(let bytes) = blobs[index.digest.layoutPath]?.content { try document(index, bytes) }
        guard done.contains(top.digest) else { throw ManifoldError(.internalFailure, "pack --push: \(top.digest.abbreviated)… was not put") }
        for tag in publication.tags { try sink.setTag(tag, for: top) }
        try sink.commit()

        let seconds = monotonicSeconds() - start
        var platforms: [Platform] = []
        for entry in entries where !entry.image.isAttestation {
            if let platform = entry.platform, !platforms.contains(platform) { platforms.append(platform) }
        }
        // What `push` of the packed image would report: it verified, in full, every blob it read.
        let report = VerificationReport(
            image: top.digest.description, kind: nil, status: .verified, error: nil, results: [], images: 1, platforms: platforms,
            notes: [], blobCount: blobs.count, byteCount: blobs.values.map { UInt64(max($0.descriptor.size, 0)) }.saturatingSum(),
            seconds: seconds, shallow: false)
        return PushResult(report: report, top: top, tags: publication.tags, rewritten: [], dropped: [],
                          blobs: events.withLock { $0.values.sorted { $0.digest.description < $1.digest.description } },
                          manifestsWritten: written, manifestsPresent: present, seconds: seconds)
    }

    /// What each blob must be, by digest, from every descriptor naming it: size and digest,
    /// and for a layer of a known type its compression and its config's diff_id.
    private static func expectations(of entries: [PackEntry]) -> [Digest: [BlobExpectation]] {
        var found: [Digest: [BlobExpectation]] = [:]
        func add(_ digest: Digest, _ expectation: BlobExpectation) {
            if found[digest]?.contains(expectation) != true { found[digest, default: []].append(expectation) }
        }
        for entry in entries {
            let manifest = entry.image.manifest
            add(manifest.config.digest, BlobExpectation(size: manifest.config.size, digest: manifest.config.digest))
            // The pack refused an image whose diff_ids do not pair with its layers.
            let diffIDs = entry.image.config?.diffIDs
            for (position, layer) in manifest.layers.enumerated() {
                let compression = MediaType.layerCompression(layer.mediaType)
                // A diff_id in an algorithm that cannot be computed is not checked (verify says so).
                let paired = compression == nil || diffIDs?.count != manifest.layers.count ? nil : diffIDs?[position]
                let diffID = paired.flatMap { $0.isVerifiable ? $0 : nil }
                add(layer.digest, BlobExpectation(size: layer.size, digest: layer.digest, diffID: diffID, compression: compression))
            }
        }
        return found
    }

    /// Reads a blob too large to be a document (a layer, a config) at most once: offered to
    /// the registry first (held or mounted: not read, as `push` does), else measured while it
    /// is uploaded, the upload let through only when every expectation holds, and read and
    /// sent again, whole, when a one-request upload was cut off.
    private static func upload(_ blob: PlannedBlob, expectations: [BlobExpectation], into sink: any ConcurrentContentSink,
                               limits: DecompressionLimits, stop: CancellationFlag,
                               sent: (_ digest: Digest, _ done: UInt64, _ size: UInt64, _ count: Int) -> Void) throws -> BlobEvent {
        let descriptor = blob.descriptor
        let size = UInt64(max(descriptor.size, 0))
        let file: StoredFile
        switch blob.content {
        case .document(let bytes), .memory(let bytes):
            // A config read whole (and checked against its descriptor) when its image was opened.
            let placement = try sink.publishDocument(descriptor, bytes: bytes)
            let count = placement == .uploaded ? UInt64(bytes.count) : 0
            if count > 0 { sent(descriptor.digest, count, size, bytes.count) }
            return BlobEvent(digest: descriptor.digest, size: UInt64(bytes.count), placement: placement, bytesSent: count, read: true)
        case .file(let stored):
            file = stored
        }
        if let placement = try sink.place(descriptor) {
            return BlobEvent(digest: descriptor.digest, size: size, placement: placement, bytesSent: 0, read: false)
        }
        guard file.size == size else {
            throw ManifoldError(.sizeMismatch, "\(blob.what) \(descriptor.digest.abbreviated)…: size mismatch: expected \(counted(Int(descriptor.size), "byte")), got \(file.size)")
        }
        // Its own descriptor first: a blob is never sent unchecked.
        let expectations = [BlobExpectation(size: descriptor.size, digest: descriptor.digest)] + expectations
        var check = BlobCheck(digestAlgorithm: descriptor.digest.algorithm, limits: limits)
        check.cancellation = stop
        // A layer of a known type is inflated as declared, as verify's walk does, diff_id or not.
        if let compression = expectations.lazy.compactMap(\.compression).first {
            check.decompression = .declared(compression)
            if let diffID = expectations.lazy.compactMap(\.diffID).first { check.uncompressedAlgorithm = diffID.algorithm }
        }
        // A one-request upload cut off: the blob is read and sent again, as push does.
        return try BlobUploads.resending(into: sink, while: { !stop.isCancelled }) {
            try sink.putBlob(descriptor) { emit in
                var done: UInt64 = 0
                let measured = try check.measure(file.input, limit: size) { bytes in
                    try emit(bytes)
                    done += UInt64(bytes.count)
                    sent(descriptor.digest, done, size, bytes.count)
                }
                for expectation in expectations {
                    let result = BlobCheckResult(measurement: measured, expectation: expectation)
                    guard let problem = result.problems.first else { continue }
                    // Pack's own words for a blob that is not what its descriptor says.
                    throw ManifoldError(Self.code(of: problem), "\(blob.what) \(descriptor.digest.abbreviated)…: \(result.problems.map(\.message).joined(separator: "; "))")
                }
            }
            return BlobEvent(digest: descriptor.digest, size: size, placement: .uploaded, bytesSent: size)
        }
    }

    /// The error code of a blob's first problem: every one is a content failure (exit 1).
    private static func code(of problem: Problem) -> ManifoldError.Code {
        switch problem.kind {
        case .size: .sizeMismatch
        case .digest, .diffID: .digestMismatch
        default: .corruptData
        }
    }
}
