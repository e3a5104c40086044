/// Where a push sends blobs while verify measures them: each planned blob is first offered
/// to the sink's ``ConcurrentContentSink/place(_:)`` (held already, or mounted: not read at
/// all), else read once, the bytes going both to the measurer and to the sink's upload.
/// The upload is let through only when every descriptor naming the blob agrees with the
/// measurement (size, digest, compression, diff_id): a blob that fails is dropped by the
/// sink, and its problems reach the report as verify's own.
final class BlobUploads: MeasuredCopy, @unchecked Sendable {
    // `@unchecked Sendable`: `planned`, `expectations` and `descriptors` are set once by
    // `walked` before the measuring threads start and only read by them; `events` is locked.
    let plan = CopyPlan()
    let sink: any ConcurrentContentSink
    private var planned: [PlannedMeasurement] = []
    private var expectations: [[BlobExpectation]] = []
    private var descriptors: [Descriptor?] = []
    private let recorded = Locked([Digest: BlobEvent]())
    /// Images the walk selected: a push sends one, so with several nothing is sent (the
    /// blobs are still measured, for the report) and the pusher says why.
    private(set) var selectedImages = 0

    /// Times a blob is read and sent at most, when its upload is cut off or dropped: as many
    /// as the registry client's attempts at one request (a chunked upload a registry drops
    /// after any cut PATCH, as docker-registry does, costs a whole attempt per cut).
    static let maxAttempts = 5

    /// `send`, and again from the start (the blob read again) when it ended in an upload the
    /// sink says may be made again — cut off, dropped by the registry, redirected — up to
    /// ``maxAttempts`` times in all, and only while `goesOn()`. Every whole-blob upload
    /// (push, pack --push, a Docker save's layers, compressed or not) resends through this.
    static func resending<Result>(into sink: any ConcurrentContentSink, while goesOn: () -> Bool = { true },
                                  _ send: () throws -> Result) throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try send()
            } catch {
                guard attempt < maxAttempts, goesOn(), sink.mayRetryPut(after: error) else { throw error }
            }
        }
    }

    /// Told of each blob's bytes as they go out: its digest, bytes so far, its size.
    let blobProgress: ImagePusher.BlobProgress?

    /// Read and check blobs the destination holds already (not sending them).
    let verifyPresent: Bool

    /// --compress: a docker save's layers are sent by the pusher, compressed.
    let compressesDockerLayers: Bool

    init(sink: any ConcurrentContentSink, blobProgress: ImagePusher.BlobProgress? = nil, verifyPresent: Bool = false,
         compressesDockerLayers: Bool = false) {
        self.compressesDockerLayers = compressesDockerLayers
        self.sink = sink
        self.blobProgress = blobProgress
        self.verifyPresent = verifyPresent
    }

    /// A layer of a docker save: its descriptor gives no size, and (Docker ≤ 24) no digest.
    /// It goes up as ``DockerSaveSynthesis`` describes it — the digest its name states, else,
    /// stored uncompressed, its diff_id — at its stored size, while the walk measures it: the
    /// one read of it (the pusher then finds it sent).
    private func dockerLayerDescriptor(_ index: Int) -> Descriptor? {
        // Compressed as they are sent, later: their digests are not known yet.
        guard plan.dockerEntries > 0, !compressesDockerLayers, let first = expectations[index].first else { return nil }
        let file = planned[index].file
        var digest = first.digest
        if digest == nil, let diffID = first.diffID, expectations[index].allSatisfy({ $0.digest == nil && $0.diffID == diffID }),
           (try? Compression.sniff(file.prefix(Compression.sniffLength))) == .plain {
            digest = diffID
        }
        guard let digest else { return nil }
        return Descriptor(mediaType: "application/octet-stream", digest: digest, size: Int64(file.size))
    }

    /// What happened to each blob, by digest.
    var events: [Digest: BlobEvent] { recorded.withLock { $0 } }

    func record(_ event: BlobEvent) {
        recorded.withLock { $0[event.digest] = event }
    }

    func walked(_ measurements: [PlannedMeasurement], _ references: [LayerReference]) {
        planned = measurements
        let dropped = plan.skipped[[ContentRoot.index.name]] ?? []
        // A docker save lists its images in manifest.json, not as roots of an index.
        selectedImages = plan.roots.filter { !dropped.contains($0.position) }.count + plan.dockerEntries
        expectations = Array(repeating: [], count: measurements.count)
        descriptors = Array(repeating: nil, count: measurements.count)
        for reference in references {
            expectations[reference.measurement].append(reference.expectation)
            if descriptors[reference.measurement] == nil, let digest = reference.expectation.digest,
               let size = reference.expectation.size, size >= 0 {
                descriptors[reference.measurement] = Descriptor(mediaType: "application/octet-stream", digest: digest, size: size)
            }
        }
    }

    func measure(_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement {
        let file = planned[index].file
        guard selectedImages == 1, let descriptor = descriptors[index] ?? dockerLayerDescriptor(index), descriptor.digest.isVerifiable else {
            // Nothing to upload it as, or not one image to send: measured only.
            return try check.measure(file.input)
        }
        if let placement = try sink.place(descriptor) {
            // Held already (or mounted): not read, so its diff_id is not checked — unless
            // asked (--verify-present), when it is read and checked, still not sent.
            if verifyPresent {
                let measured = try check.measure(file.input)
                record(BlobEvent(digest: descriptor.digest, size: UInt64(descriptor.size), placement: placement, bytesSent: 0, read: true))
                return measured
            }
            record(BlobEvent(digest: descriptor.digest, size: UInt64(descriptor.size), placement: placement, bytesSent: 0, read: false))
            return .known(size: UInt64(descriptor.size), digest: descriptor.digest)
        }
        var measurement: BlobMeasurement?
        do {
            try Self.resending(into: sink) {
                measurement = nil
                try sink.putBlob(descriptor) { emit in
                    var sent: UInt64 = 0
                    let measured = try check.measure(file.input, limit: UInt64(descriptor.size)) { bytes in
                        try emit(bytes)
                        guard let blobProgress else { return }
                        sent += UInt64(bytes.count)
                        blobProgress(descriptor.digest, sent, UInt64(descriptor.size))
                    }
                    measurement = measured
                    let agrees = expectations[index].allSatisfy { BlobCheckResult(measurement: measured, expectation: $0).isVerified }
                    if !agrees { throw BlobRefused() }
                }
            }
        } catch is BlobRefused {
            // Checked and found wrong: the upload was dropped; the report says why.
            if let measurement { return measurement }
        }
        guard let measurement else { throw ManifoldError(.internalFailure, "blob \(descriptor.digest.abbreviated)… was not measured") }
        record(BlobEvent(digest: descriptor.digest, size: measurement.size, placement: .uploaded, bytesSent: measurement.size))
        return measurement
    }
}

/// Thrown from an upload's body to drop a blob that failed its checks.
private struct BlobRefused: Error {}
