import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `docker save` archive stores no OCI manifest for a Docker ≤ 24 image: the push sends the
/// one it implies (``DockerSaveSynthesis``: config and layers as stored, uncompressed layers
/// as they are — valid OCI), the same manifest `pack` and `inspect` show.
extension ImagePusher {
    /// After verify passed: each platform's config and the layers the walk could not send
    /// while it measured them (a compressed Docker ≤ 24 layer, whose digest is only known once
    /// measured: read again, held to its descriptor while it is sent), then its manifest,
    /// then the tags.
    func pushDockerSave(_ source: any ContentProvider, reference: LocalImageReference, into sink: any ConcurrentContentSink,
                        report: VerificationReport, uploads: BlobUploads, start: Double) throws -> PushResult {
        let image = try ResolvedImage.open(source, reference: reference, limits: options.verify.limits)
        guard image.images == 1, image.manifests.count == 1, let platform = image.manifests.first else {
            throw ManifoldError(.invalidArgument, "\(reference) holds \(image.images) images; name one (IMAGE:TAG) to push it")
        }
        var events: [Digest: BlobEvent] = uploads.events
        let manifest = platform.manifest
        // --compress: the synthesized manifest's uncompressed layers go up compressed, under
        // the digests found as they are sent; the manifest names those instead.
        let compression = platform.synthesized ? options.compress : nil
        // What the cache knows a compression by: the level too, when one was asked for.
        let compressionKey = (compression?.rawValue ?? "") + (options.compressLevel.map { ":\($0)" } ?? "")
        var sentLayers = manifest.layers
        var compressed = 0
        if let compression {
            // Each distinct layer once, in the order the manifest lists them.
            var pending: [(diffID: Digest, positions: [Int])] = []
            for (position, layer) in manifest.layers.enumerated() where layer.mediaType == MediaType.ociLayer {
                compressed += 1
                if let index = pending.firstIndex(where: { $0.diffID == layer.digest }) {
                    pending[index].positions.append(position)
                    continue
                }
                // Sent before (the cache says as what) and still there: nothing to compress.
                // The walk has checked the layer against its diff_id already; what the
                // destination holds is not read (--verify-present compresses and checks it).
                if !options.verifyPresent, let known = options.compressedLayers?.lookup(layer.digest, as: compressionKey) {
                    let candidate = Descriptor(mediaType: CompressedOutput.mediaType(compression), digest: known.digest, size: known.size)
                    if let placement = try sink.place(candidate) {
                        sentLayers[position] = candidate
                        events[candidate.digest] = BlobEvent(digest: candidate.digest, size: UInt64(known.size), placement: placement, bytesSent: 0)
                        continue
                    }
                }
                pending.append((layer.digest, [position]))
            }
            let files = try pending.map { item in
                let layer = manifest.layers[item.positions[0]]
                guard let file = try platform.layerFiles?[item.positions[0]] ?? platform.sourceBlob(layer) else {
                    throw ManifoldError(.absent, "\(reference): layer \(layer.digest.abbreviated)… is not in the archive")
                }
                return (file, layer)
            }
            for (item, sent) in zip(pending, try compressAll(files, compression: compression, into: sink)) {
                options.compressedLayers?.record(item.diffID, as: compressionKey, digest: sent.digest, size: sent.size)
                for position in item.positions { sentLayers[position] = sent }
                events[sent.digest] = BlobEvent(digest: sent.digest, size: UInt64(sent.size), placement: .uploaded, bytesSent: UInt64(sent.size))
            }
        }
        for (position, layer) in manifest.layers.enumerated() {
            if compression != nil, layer.mediaType == MediaType.ociLayer { continue }
            guard events[layer.digest] == nil else { continue }
            if let placement = try sink.place(layer) {
                // The walk could not send it while measuring (its digest was unknown until
                // synthesized), so it was read and checked then.
                events[layer.digest] = BlobEvent(digest: layer.digest, size: UInt64(layer.size), placement: placement, bytesSent: 0, read: true)
                continue
            }
            guard let file = try platform.layerFiles?[position] ?? platform.sourceBlob(layer) else {
                throw ManifoldError(.absent, "\(reference): layer \(layer.digest.abbreviated)… is not in the archive")
            }
            try BlobUploads.resending(into: sink) {
                try sink.putBlob(layer) { emit in
                    try BlobCopier.copy(file, expecting: layer, what: "layer", into: emit)
                }
            }
            events[layer.digest] = BlobEvent(digest: layer.digest, size: UInt64(layer.size), placement: .uploaded, bytesSent: UInt64(layer.size))
        }
        if let config = platform.configBytes {
            let descriptor = manifest.config
            let placement = try sink.publishDocument(descriptor, bytes: config)
            events[descriptor.digest] = BlobEvent(digest: descriptor.digest, size: UInt64(config.count), placement: placement,
                                                  bytesSent: placement == .uploaded ? UInt64(config.count) : 0, read: true)
        }
        options.compressedLayers?.save()
        var manifestBytes = platform.bytes
        var notes: [String] = []
        if let compression {
            let left = manifest.layers.count - compressed
            if compressed > 0 {
                let rewritten = try DockerSaveSynthesis.manifest(config: manifest.config, layers: sentLayers)
                manifestBytes = rewritten.bytes
                notes.append("\(counted(compressed, "layer")) compressed with \(compression) (new layer digests, so a new manifest digest; config and diff_ids unchanged)")
            }
            if left > 0 { notes.append("\(counted(left, "layer")) already compressed, sent as stored") }
        } else if options.compress != nil {
            notes.append("--compress applies to the uncompressed layers of a Docker ≤ 24 save; this image's layers are sent as stored")
        }
        let top = Descriptor(mediaType: MediaType.ociManifest, digest: try DigestHasher.digest(of: manifestBytes), size: Int64(manifestBytes.count))
        let placement = try sink.publishDocument(top, bytes: manifestBytes)
        for tag in options.tags { try sink.setTag(tag, for: top) }
        try sink.commit()
        return PushResult(
            report: report, top: top, tags: options.tags, rewritten: [], dropped: [],
            blobs: events.values.sorted { $0.digest.description < $1.digest.description },
            manifestsWritten: placement == .present ? 0 : 1, manifestsPresent: placement == .present ? 1 : 0,
            seconds: monotonicSeconds() - start, notes: notes)
    }
}

extension ImagePusher {
    /// Sends each layer compressed (``putCompressed(_:layer:compression:into:)``), `jobs` at
    /// once but no more than there are cores, nor than 4: compressing is the slow part, each
    /// layer is its own stream, and each upload holds a chunk (8 MiB, and curl's copy of it)
    /// in memory. Returns what was
    /// sent, in `layers`' order; the first failure, in that order, once every started one ended
    /// (none is started after a failure).
    func compressAll(_ layers: [(StoredFile, Descriptor)], compression: Compression, into sink: any ConcurrentContentSink) throws -> [Descriptor] {
        let outcomes = Locked([Result<Descriptor, any Error>?](repeating: nil, count: layers.count))
        let next = Locked((index: 0, failed: false))
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        DispatchQueue.concurrentPerform(iterations: min(max(options.verify.jobs, 1), cores, 4, layers.count)) { _ in
            while true {
                let index: Int? = next.withLock { state in
                    guard !state.failed, state.index < layers.count else { return nil }
                    defer { state.index += 1 }
                    return state.index
                }
                guard let index else { return }
                let (file, layer) = layers[index]
                let outcome = Result {
                    try BlobUploads.resending(into: sink) { try putCompressed(file, layer: layer, compression: compression, into: sink) }
                }
                if case .failure = outcome { next.withLock { $0.failed = true } }
                outcomes.withLock { $0[index] = outcome }
            }
        }
        return try outcomes.withLock { $0 }.compactMap { try $0?.get() }
    }

    /// Sends the uncompressed `layer` (its bytes in `file`) compressed with `compression`, in
    /// one pass: each chunk read is checked against the descriptor (size, and digest — the
    /// diff_id — at the end), compressed, hashed and sent; the upload is closed under the
    /// digest found only when the check passed (else it is dropped). Returns the descriptor
    /// of what was sent.
    func putCompressed(_ file: StoredFile, layer: Descriptor, compression: Compression, into sink: any ConcurrentContentSink) throws -> Descriptor {
        let output = try CompressedOutput(compression)
        try sink.putBlob(digestAtEnd: { emit in
            let compressor = try StreamCompressor(compression, level: options.compressLevel)
            try output.restart()
            try BlobCopier.copy(file, expecting: layer, what: "layer") { bytes in
                try compressor.compress(bytes) { try output.take($0, emit) }
            }
            try compressor.finish { try output.take($0, emit) }
            return try output.hasher.finalize()
        })
        return Descriptor(mediaType: output.mediaType, digest: try output.hasher.finalize(), size: Int64(output.size))
    }
}

/// What a layer compressed as it is sent came to: its digest and size so far.
final class CompressedOutput {
    let mediaType: String
    var hasher: DigestHasher
    var size: UInt64 = 0

    init(_ compression: Compression) throws {
        mediaType = Self.mediaType(compression)
        hasher = try DigestHasher(.sha256)
    }

    /// The OCI layer media type of a layer compressed so.
    static func mediaType(_ compression: Compression) -> String {
        compression == .zstd ? MediaType.ociLayerZstd : MediaType.ociLayerGzip
    }

    func restart() throws {
        hasher = try DigestHasher(.sha256)
        size = 0
    }

    func take(_ bytes: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try hasher.update(bufferPointer: bytes)
        size += UInt64(bytes.count)
        try emit(bytes)
    }
}
