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
        for (position, layer) in manifest.layers.enumerated() {
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
        let top = Descriptor(mediaType: MediaType.ociManifest, digest: platform.document.digest, size: Int64(platform.bytes.count))
        let placement = try sink.publishDocument(top, bytes: platform.bytes)
        for tag in options.tags { try sink.setTag(tag, for: top) }
        try sink.commit()
        return PushResult(
            report: report, top: top, tags: options.tags, rewritten: [], dropped: [],
            blobs: events.values.sorted { $0.digest.description < $1.digest.description },
            manifestsWritten: placement == .present ? 0 : 1, manifestsPresent: placement == .present ? 1 : 0,
            seconds: monotonicSeconds() - start)
    }
}
