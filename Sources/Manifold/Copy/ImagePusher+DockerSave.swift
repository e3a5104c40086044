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
        var sentLayers = manifest.layers
        var compressed = 0
        for (position, layer) in manifest.layers.enumerated() {
            if let compression, layer.mediaType == MediaType.ociLayer {
                guard let file = try platform.layerFiles?[position] ?? platform.sourceBlob(layer) else {
                    throw ManifoldError(.absent, "\(reference): layer \(layer.digest.abbreviated)… is not in the archive")
                }
                let sent = try putCompressed(file, layer: layer, compression: compression, into: sink)
                sentLayers[position] = sent
                compressed += 1
                events[sent.digest] = BlobEvent(digest: sent.digest, size: UInt64(sent.size), placement: .uploaded, bytesSent: UInt64(sent.size))
                continue
            }
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
            // Read again from the start when the sink may take it then (a cut-off or
            // redirected one-request upload), as BlobUploads does.
            var attempt = 0
            while true {
                attempt += 1
                do {
                    try sink.putBlob(layer) { emit in
                        try BlobCopier.copy(file, expecting: layer, what: "layer", into: emit)
                    }
                    break
                } catch {
                    guard attempt < BlobUploads.maxAttempts, sink.mayRetryPut(after: error) else { throw error }
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
    /// Sends the uncompressed `layer` (its bytes in `file`) compressed with `compression`, in
    /// one pass: each chunk read is checked against the descriptor (size, and digest — the
    /// diff_id — at the end), compressed, hashed and sent; the upload is closed under the
    /// digest found only when the check passed (else it is dropped). Returns the descriptor
    /// of what was sent.
    func putCompressed(_ file: StoredFile, layer: Descriptor, compression: Compression, into sink: any ConcurrentContentSink) throws -> Descriptor {
        let output = try CompressedOutput(compression)
        try sink.putBlob(digestAtEnd: { emit in
            let compressor = try StreamCompressor(compression)
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
private final class CompressedOutput {
    let mediaType: String
    var hasher: DigestHasher
    var size: UInt64 = 0

    init(_ compression: Compression) throws {
        mediaType = compression == .zstd ? MediaType.ociLayerZstd : MediaType.ociLayerGzip
        hasher = try DigestHasher(.sha256)
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
