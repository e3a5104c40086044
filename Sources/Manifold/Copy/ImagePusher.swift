/// Publishes an image from any ``ContentProvider`` to a ``ConcurrentContentSink`` (a
/// registry), checking everything `verify` checks on the bytes as they are sent: the walk is
/// verify's (``VerificationWalk``, the same report), and each blob is measured while it is
/// uploaded (``BlobUploads``), or not read at all when the destination has it.
///
/// Nothing names a blob before it is complete and checked: documents are written only once
/// the report passed, children before the index that lists them, exactly as read (an index
/// is rewritten only when `--platform` left entries out); the tags come last. So whatever
/// fails or is interrupted, a tag never names an incomplete image.
///
/// Threading: `push` blocks until done, uploading `options.verify.jobs` blobs at once.
public struct ImagePusher: Sendable {
    public let options: PushOptions

    public init(options: PushOptions) {
        self.options = options
    }

    /// Pushes the image `reference` selects from `source` (its tag or digest chooses among
    /// the source's roots; the default, the only one) into `sink`. Throws when it cannot be
    /// pushed (several images and a tag to give, a request the destination refuses); a
    /// source that fails a check is a result whose report says so, with no document written.
    /// Told of each blob's bytes as they are sent: its digest, the bytes so far and its size.
    /// For progress displays.
    public typealias BlobProgress = @Sendable (_ digest: Digest, _ done: UInt64, _ size: UInt64) -> Void

    public func push(_ source: any ContentProvider, reference: LocalImageReference? = nil, into sink: any ConcurrentContentSink,
                     progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil,
                     blobProgress: BlobProgress? = nil) throws -> PushResult {
        let start = monotonicSeconds()
        try options.validate()
        // What verify finds attached in blobs/ alone goes with the image like what index.json lists.
        let source: any ContentProvider = options.carriesSignatures ? UnlistedReferrerListing(source, limits: options.verify.limits) : source
        let reference = AttachedArtifacts.selectingTheImage(reference ?? LocalImageReference(path: source.location), in: source,
                                                            limits: options.verify.limits)
        let uploads = BlobUploads(sink: sink, blobProgress: blobProgress, verifyPresent: options.verifyPresent,
                                  compressesDockerLayers: options.compress != nil)
        // The image alone: what is attached to it is pushed after it, each on its own.
        var verify = options.verify
        verify.followsAttachedArtifacts = false
        let report = Verifier(options: verify).verify(source, reference: reference, progress: progress, start: start, copy: uploads)
        guard report.status == .verified else {
            return PushResult(report: report, top: nil, tags: [], rewritten: [], dropped: uploads.plan.droppedPlatforms,
                              blobs: uploads.events.values.sorted { $0.digest.description < $1.digest.description },
                              manifestsWritten: 0, manifestsPresent: 0, seconds: monotonicSeconds() - start)
        }
        if uploads.plan.dockerEntries > 0 {
            return try pushDockerSave(source, reference: reference, into: sink, report: report, uploads: uploads, start: start)
        }
        if uploads.selectedImages > 1 {
            throw ManifoldError(.invalidArgument, "\(reference) holds \(uploads.selectedImages) images; name one (IMAGE:TAG or IMAGE@DIGEST) to push it")
        }
        var publishing = DocumentPublishing(plan: uploads.plan, sink: sink, uploads: uploads)
        let dropped = uploads.plan.skipped[[ContentRoot.index.name]] ?? []
        var tops: [Descriptor] = []
        var original: Descriptor?
        for root in uploads.plan.roots where !dropped.contains(root.position) {
            if let written = try publishing.publish(root.descriptor, path: root.path) {
                tops.append(written)
                original = original ?? root.descriptor
            }
        }
        guard let top = tops.first, let original else {
            throw ManifoldError(.invalidArgument, "nothing to push: \(reference) holds no image")
        }
        if tops.count > 1 {
            throw ManifoldError(.invalidArgument, "\(reference) holds \(tops.count) images; name one (IMAGE:TAG or IMAGE@DIGEST) to push it")
        }
        for tag in options.tags { try sink.setTag(tag, for: top) }
        try sink.commit()
        var result = PushResult(
            report: report, top: top, tags: options.tags, rewritten: publishing.rewritten, dropped: uploads.plan.droppedPlatforms,
            blobs: uploads.events.values.sorted { $0.digest.description < $1.digest.description },
            manifestsWritten: publishing.written, manifestsPresent: publishing.present, seconds: monotonicSeconds() - start,
            notes: options.compress == nil ? [] : ["--compress applies to the uncompressed layers of a Docker ≤ 24 save; this image's manifests name its layers, so they are sent as stored"])
        if options.carriesSignatures {
            (result.attached, result.leftBehind) = try pushAttached(to: original, published: publishing.published, rewritten: !publishing.rewritten.isEmpty,
                                                                    of: source, reference: reference, into: sink)
        }
        return result
    }

    /// Pushes what the source's index.json lists attached to `top` or, when it is an index,
    /// to one of its platform manifests, and what is attached to those in turn (cosign tags
    /// under the same tag, referrers by digest; each after what it refers to), each verified
    /// as it is sent like any image. Signatures sign a digest: one whose manifest is not at
    /// the destination as pushed (`published`: an index `--platform` rewrote has a new digest,
    /// a platform it left out is not there) stays behind and is returned as such, as a pull
    /// leaves it. One that fails its checks stops the push with an error: the image is
    /// published already, and the message says its signatures are not (all of them).
    private func pushAttached(to top: Descriptor, published: Set<Digest>, rewritten: Bool, of source: any ContentProvider,
                              reference: LocalImageReference, into sink: any ConcurrentContentSink)
        throws -> (pushed: [(manifest: Descriptor, tag: String?)], leftBehind: [Descriptor]) {
        guard let bytes = try source.root(.index, limit: options.verify.limits.documentSize),
              let index = try? ImageIndex(json: try JSONParser.parse(bytes), declaredMediaType: nil) else { return ([], []) }
        let signed = AttachedArtifacts.digestsWithPlatforms([top], source: source, limits: options.verify.limits)
        let positions = AttachedArtifacts.positions(attachedTo: signed, in: index.manifests, source: source)
        // A cosign tag goes along when it names the image, a platform or what is attached to
        // them (`cosign sign` of an attestation tags `sha256-<attestation>.sig`).
        let reached = signed.union(positions.map { index.manifests[$0].digest })
        var tags: [Int: String] = [:]
        for position in positions {
            let name = index.manifests[position].referenceName
            // cosign's own spelling only: a name that merely contains one is not a tag to give.
            if let name, let target = AttachedArtifacts.cosignTagTarget(name), reached.contains(target),
               AttachedArtifacts.cosignSuffixes.contains(where: { AttachedArtifacts.cosignTag(target, suffix: $0) == name }) {
                tags[position] = name
            }
        }
        // Found by `positions` too (the walk follows them), but without the tag they go under.
        var pending = positions
        for saved in AttachedArtifacts.cosignSavedAttachments(of: top.digest, in: index.manifests) {
            tags[saved.position] = saved.tag
            if !pending.contains(saved.position) { pending.append(saved.position) }
        }
        // Each after what it is attached to is at the destination: the image as written, or
        // an artifact pushed before it.
        var present = published
        var attached: [Int] = []
        var progressed = true
        while progressed {
            progressed = false
            pending.removeAll { position in
                let entry = index.manifests[position]
                let manifest = MediaType.isManifest(entry.mediaType) && entry.size <= Int64(ImageWalker.referrerCandidateLimit)
                    ? (try? source.document(entry, limit: ImageWalker.referrerCandidateLimit))
                        .flatMap { try? ImageManifest(json: JSONParser.parse($0), declaredMediaType: entry.mediaType) }
                    : nil
                // By its cosign tag or its subject; cosign save's, by neither, are attached to
                // the saved image as it was.
                let targets = [AttachedArtifacts.cosignTagTarget(entry.referenceName), manifest?.subject?.digest].compactMap { $0 }
                let there = targets.isEmpty ? !rewritten : targets.contains(where: present.contains)
                guard there else { return false }
                attached.append(position)
                present.insert(entry.digest)
                progressed = true
                return true
            }
        }
        var pushed: [(manifest: Descriptor, tag: String?)] = []
        for position in attached {
            let entry = index.manifests[position]
            let tag = tags[position]
            var options = self.options
            options.tags = tag.map { [$0] } ?? []
            options.carriesSignatures = false
            options.verify.keys = []
            options.verify.platforms = []
            var selection = LocalImageReference(path: reference.path, digest: entry.digest, transport: reference.transport)
            if let tag, entry.referenceName == tag { selection = LocalImageReference(path: reference.path, tag: tag, transport: reference.transport) }
            let result = try ImagePusher(options: options).push(source, reference: selection, into: sink)
            guard result.report.status == .verified, let manifest = result.top else {
                let problems = result.report.failedResults.flatMap(\.problems).map(\.message).prefix(3).joined(separator: "; ")
                throw ManifoldError(.invalidDocument, "the image was pushed, but \(tag ?? "its referrer \(entry.digest)") failed its checks and was not (nor what follows it): \(problems)")
            }
            pushed.append((manifest, tag))
        }
        return (pushed, pending.map { index.manifests[$0] })
    }
}

/// The documents of a verified image written into a sink, children first, each once.
private struct DocumentPublishing {
    let plan: CopyPlan
    let sink: any ConcurrentContentSink
    let uploads: BlobUploads
    private var done: [Digest: Descriptor] = [:]
    /// What the destination holds of the image once published: its documents as written.
    var published: Set<Digest> { Set(done.keys) }
    private(set) var rewritten: [(from: Descriptor, to: Descriptor)] = []
    private(set) var written = 0
    private(set) var present = 0

    init(plan: CopyPlan, sink: any ConcurrentContentSink, uploads: BlobUploads) {
        self.plan = plan
        self.sink = sink
        self.uploads = uploads
    }

    /// Writes `descriptor` (walked at `path`) after everything it lists; returns it as
    /// written (an index rewritten without the platforms left out), or nil when `--platform`
    /// left out everything it lists.
    mutating func publish(_ descriptor: Descriptor, path: [String]) throws -> Descriptor? {
        if let index = try plan.writtenIndex(descriptor, walkedAt: path, writingChildren: { try publish($0, path: $1) }) {
            switch index {
            case .empty:
                return nil
            case .unchanged(let bytes):
                try document(descriptor, bytes)
                return descriptor
            case .rewritten(let written, let bytes):
                try document(written, bytes)
                rewritten.append((descriptor, written))
                return written
            }
        }
        if let kept = plan.documents[descriptor.digest], let manifest = kept.manifest {
            try config(manifest.config)
            for layer in manifest.layers { try checkSent(layer) }
            try document(descriptor, kept.bytes)
            return descriptor
        }
        try checkSent(descriptor)
        return descriptor
    }

    private mutating func document(_ descriptor: Descriptor, _ bytes: [UInt8]) throws {
        guard done[descriptor.digest] == nil else { return }
        done[descriptor.digest] = descriptor
        switch try sink.publishDocument(descriptor, bytes: bytes) {
        case .present: present += 1
        default: written += 1
        }
    }

    /// A config: read and checked by the walk (so `read`, even when present), sent from memory.
    private mutating func config(_ descriptor: Descriptor) throws {
        guard done[descriptor.digest] == nil else { return }
        guard let kept = plan.documents[descriptor.digest] else { return try checkSent(descriptor) }
        done[descriptor.digest] = descriptor
        let placement = try sink.publishDocument(descriptor, bytes: kept.bytes)
        uploads.record(BlobEvent(digest: descriptor.digest, size: UInt64(kept.bytes.count), placement: placement,
                                 bytesSent: placement == .uploaded ? UInt64(kept.bytes.count) : 0, read: true))
    }

    /// A layer: it went up while it was measured (or was there); a foreign layer or one
    /// inlined in its descriptor is not sent.
    private func checkSent(_ descriptor: Descriptor) throws {
        if descriptor.data != nil || MediaType.isForeignLayer(descriptor.mediaType) { return }
        guard uploads.events[descriptor.digest] != nil else {
            throw ManifoldError(.internalFailure, "blob \(descriptor.digest.abbreviated)… was verified but not sent")
        }
    }
}
