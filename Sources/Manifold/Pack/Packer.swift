/// Combines single- and multi-arch images into one multi-arch image: `docker manifest
/// create` + `annotate` + `push`, offline, deterministic and verified.
///
/// Children are never rewritten: each manifest keeps its bytes and digest. Every blob is
/// copied once, hashed while copied, and the pack fails — writing nothing — if any is not what
/// its descriptor says.
///
/// Threading: the blocking `pack` returns when done (one thread reads and hashes while the
/// caller's writes); packs may run at once, and of two writing one output the first to commit
/// wins. From Swift concurrency the async `pack` (Packer+Concurrency) does the same off the
/// executor, and is cancellable, aborting the output.
public struct Packer: Sendable {
    public let options: PackOptions

    public init(options: PackOptions) {
        self.options = options
    }

    /// Packs into `options.output`: a layout directory, an oci-archive, or standard output.
    public func pack() throws -> PackResult {
        try pack(into: nil)
    }

    /// Packs into `sink` instead of `options.output`, which then only names the output in the
    /// result; `link` does not apply. The sink is committed on success and aborted on failure.
    /// Content goes in path order, documents among blobs: for a registry, which must have
    /// every blob before a manifest naming it, use ``push(into:tags:jobs:progress:blobProgress:)``.
    public func pack(into sink: any ContentSink) throws -> PackResult {
        do {
            return try pack(into: Optional(sink))
        } catch {
            sink.abort()
            throw error
        }
    }

    /// The pack itself. Once `cancellation` is set, reading the inputs and copying the blobs
    /// stop at the next document or chunk and the output is aborted: `CancellationError`.
    func pack(into given: (any ContentSink)?, cancellation: CancellationFlag? = nil) throws -> PackResult {
        try packing(into: given, cancellation: cancellation, publication: nil).pack
    }

    /// The pack, into `given` or `options.output`; with a `publication`, published into its
    /// registry instead (``push(into:tags:jobs:progress:blobProgress:)``), which also gives
    /// what the push did.
    func packing(into given: (any ContentSink)?, cancellation: CancellationFlag?,
                 publication: PackPublication?) throws -> (pack: PackResult, push: PushResult?) {
        let start = monotonicSeconds()
        try options.validate()
        let output = given != nil || publication != nil || options.isStandardOutput ? nil
            : try OutputPath(options.output, kind: options.resolvedFormat == .tar ? .file : .layout, force: options.force)

        var notes: [String] = []
        var entries: [PackEntry] = []
        var matched = Set<EntrySelector>()
        var available: [String] = []
        var unusable: [ManifoldError] = []
        for (position, reference) in options.inputs.enumerated() {
            let image: ResolvedImage
            do {
                image = try ResolvedImage.open(reference, limits: options.limits, cancellation: cancellation)
            } catch let error as ManifoldError {
                // The other inputs are still opened: a content failure in one of them must not
                // hide behind this input's error (see `worstOf`).
                unusable.append(error.message.hasPrefix(reference.path) ? error : error.prefixed(reference.description))
                continue
            }
            notes += image.notes.map { "\(reference): \($0)" }
            // A signature is about a manifest, not a platform of the new index: never packed
            // as one. Said, so that nobody expects the output to carry it.
            let signatures = image.attestations.filter { $0.artifact != nil && $0.descriptor.annotations?["vnd.docker.reference.digest"] == nil }
            if !signatures.isEmpty {
                notes.append("\(reference): \(counted(signatures.count, "signature or referrer manifest")) left out (pack does not carry them yet; manifests keep their digests, so signatures of a platform manifest still apply to it)")
            }
            let platforms = image.manifests.compactMap { $0.platform?.description }
            available += platforms.filter { !available.contains($0) }
            entries += try self.entries(of: image, input: position, first: entries.count, matched: &matched)
        }
        if let error = ManifoldError.worstOf(unusable) { throw error }
        // A selector that names nothing is a mistake in the command, not a no-op.
        let selectors = options.overrides.map(\.selector) + options.annotations.map(\.selector)
        if let unmatched = selectors.first(where: { !matched.contains($0) }) {
            throw ManifoldError(.invalidArgument, "\(unmatched) selects no image; the inputs hold \(platformList(available))")
        }
        guard entries.contains(where: { !$0.image.isAttestation }) else {
            throw ManifoldError(.invalidArgument, options.platforms.isEmpty
                ? "the inputs hold no platform image"
                : "no input has a platform matching \(options.platforms.map(\.description).joined(separator: ", ")); platforms: \(platformList(available))")
        }
        return try write(entries, to: output, sink: given, notes: notes, start: start, cancellation: cancellation, publication: publication)
    }

    // MARK: choosing entries

    private func entries(of image: ResolvedImage, input: Int, first: Int, matched: inout Set<EntrySelector>) throws -> [PackEntry] {
        var kept: [PackEntry] = []
        var order = first
        for manifest in image.manifests {
            // An image the walk found in conflict with itself (its config's diff_ids against its
            // layers, its index entry's platform against its config's) would fail every
            // verifier downstream; refuse it here rather than publish it.
            if let conflict = manifest.conflicts.first {
                throw ManifoldError(.invalidDocument, "\(manifest.origin): \(conflict)")
            }
            var entry = PackEntry(image: manifest, input: input, order: order, platform: manifest.platform,
                                  annotations: manifest.descriptor.annotations?.filter { !Self.layoutOnly($0.key) } ?? [:])
            order += 1
            try applyOverrides(to: &entry, matched: &matched)
            for annotation in options.annotations where annotation.selector.selects(input: input, platform: entry.platform) {
                matched.insert(annotation.selector)
                entry.annotations[annotation.key] = annotation.value
            }
            if !options.platforms.isEmpty {
                guard let platform = entry.platform, ImageGraphRules.keeps(platform, wanted: options.platforms) else { continue }
            }
            kept.append(entry)
        }
        // An attestation travels with the manifest it describes.
        let keptDigests = Set(kept.map { $0.image.descriptor.digest.description })
        for attestation in image.attestations {
            guard let subject = attestation.descriptor.annotations?["vnd.docker.reference.digest"], keptDigests.contains(subject) else { continue }
            kept.append(PackEntry(image: attestation, input: input, order: order, platform: attestation.platform ?? attestation.descriptor.platform,
                                  annotations: attestation.descriptor.annotations?.filter { !Self.layoutOnly($0.key) } ?? [:]))
            order += 1
        }
        return kept
    }

    /// Annotations that name an image in its old layout and would mislead in the new one.
    private static func layoutOnly(_ key: String) -> Bool {
        key == "org.opencontainers.image.ref.name" || key == "io.containerd.image.name"
    }

    private func applyOverrides(to entry: inout PackEntry, matched: inout Set<EntrySelector>) throws {
        let config = entry.image.config?.platform
        for override in options.overrides where override.selector.selects(input: entry.input, platform: entry.image.platform) {
            matched.insert(override.selector)
            var platform = entry.platform ?? Platform(os: "", architecture: "")
            var contradiction: String?
            override.apply(to: &platform, config: config, contradicts: &contradiction)
            if let contradiction, !options.forcePlatform {
                throw ManifoldError(
                    .invalidArgument,
                    "\(entry.image.origin): --\(override.field.rawValue) \(override.value) contradicts its config (\(contradiction)); give --force-platform to list it anyway")
            }
            entry.platform = platform
        }
        if let platform = entry.platform, platform.os.isEmpty || platform.architecture.isEmpty {
            throw ManifoldError(.invalidArgument, "\(entry.image.origin): its config names no platform; give --os and --arch for it")
        }
    }

    // MARK: the index

    private func indexDocument(_ entries: [PackEntry]) throws -> (Descriptor, [UInt8]) {
        let allDocker = entries.allSatisfy { $0.image.descriptor.mediaType == MediaType.dockerManifest }
        let type = options.indexType
        if type == .docker && !allDocker {
            throw ManifoldError(
                .invalidArgument,
                "a Docker manifest list can only list Docker manifests, and some inputs are OCI; use --index-type oci")
        }
        let mediaType = type == .docker ? MediaType.dockerManifestList : MediaType.ociIndex
        let index = ImageIndex(mediaType: mediaType, manifests: entries.map(\.descriptor),
                               annotations: options.indexAnnotations.isEmpty ? nil : options.indexAnnotations)
        let bytes = JSONWriter().bytes(index.json)
        return (Descriptor(mediaType: mediaType, digest: try DigestHasher.digest(of: bytes), size: Int64(bytes.count)), bytes)
    }

    // MARK: writing

    private func write(_ chosen: [PackEntry], to output: OutputPath?, sink given: (any ContentSink)?, notes: [String], start: Double,
                       cancellation: CancellationFlag?, publication: PackPublication?) throws -> (pack: PackResult, push: PushResult?) {
        var notes = notes
        // The same manifest given twice (the same image packed from two inputs) is listed once.
        var listed = Set<Descriptor>()
        var entries = chosen.sorted { $0.precedes($1) }.filter { listed.insert($0.descriptor).inserted }
        try checkDuplicates(entries)
        if options.flat { try nameFlatEntries(&entries) }

        // Every blob once: documents from memory, layers and other configs from their inputs.
        var blobs: [String: PlannedBlob] = [:]
        func add(_ descriptor: Descriptor, _ content: PlannedBlob.Content, what: String) throws {
            guard descriptor.digest.isVerifiable else {
                throw ManifoldError(.unsupportedAlgorithm, "\(what): digest algorithm \(descriptor.digest.algorithm) cannot be computed, so it cannot be copied verified")
            }
            let path = descriptor.digest.layoutPath
            if blobs[path] == nil { blobs[path] = PlannedBlob(descriptor: descriptor, content: content, what: what) }
        }
        var index: Descriptor?
        // What index.json lists, and the name of each.
        var roots: [(tag: String?, descriptor: Descriptor)]
        if options.flat {
            roots = entries.map { (tag: $0.annotations[OCILayoutSink.refName], descriptor: $0.descriptor) }
        } else {
            let (descriptor, bytes) = try indexDocument(entries)
            if options.indexType == .docker {
                notes.append("index.json lists a Docker manifest list, on which skopeo (1.9) and umoci find no tag; the default --index-type oci is what they read")
            }
            try add(descriptor, .document(bytes), what: "index")
            var top = descriptor
            top.annotations = options.indexDescriptorAnnotations
            index = descriptor
            roots = [(tag: options.tag, descriptor: top)]
        }
        for entry in entries {
            let image = entry.image
            let origin = image.origin
            try add(image.descriptor, .document(image.bytes), what: "\(origin): manifest")
            let config = image.manifest.config
            if let bytes = image.configBytes {
                try add(config, .memory(bytes), what: "\(origin): config")
            } else {
                try add(config, .file(try locate(config, in: image, file: image.configFile)), what: "\(origin): config")
            }
            for (i, layer) in image.manifest.layers.enumerated() {
                guard layer.digest.isVerifiable else {
                    throw ManifoldError(.unsupportedAlgorithm, "\(origin): layers[\(i)]: digest algorithm \(layer.digest.algorithm) cannot be computed, so it cannot be copied verified")
                }
                let file = try image.layerFiles.map { $0[i] } ?? image.sourceBlob(layer)
                if let file {
                    try add(layer, .file(file), what: "\(origin): layers[\(i)]")
                } else if MediaType.isForeignLayer(layer.mediaType) {  // `urls` alone do not make a layer foreign
                    notes.append("\(origin): foreign layer \(layer.digest.abbreviated)… is not in the input; listed, not copied (its urls are never fetched)")
                } else {
                    throw ManifoldError(.absent, "\(origin): layers[\(i)] \(layer.digest.abbreviated)… is not in the input")
                }
            }
        }
        let format = options.resolvedFormat
        func result(linked: [LinkMethod: Int] = [:]) -> PackResult {
            let bytes = blobs.values.map { UInt64(max($0.descriptor.size, 0)) }.saturatingSum()
            return PackResult(
                output: options.output, format: format, index: index,
                entries: entries.map {
                    PackResult.Entry(platform: $0.platform, descriptor: $0.descriptor, origin: $0.image.origin, isAttestation: $0.image.isAttestation,
                                     tag: $0.annotations["org.opencontainers.image.ref.name"])
                },
                blobCount: blobs.count, byteCount: bytes, linked: linked, notes: notes, seconds: monotonicSeconds() - start)
        }
        if let publication {
            // Straight into a registry: every blob measured once, as it is uploaded.
            let pushed = try publish(blobs, entries: entries, roots: roots, index: index, publication: publication,
                                     cancellation: cancellation, start: start)
            return (result(), pushed)
        }
        let sink: any ContentSink
        if let given {
            sink = given
        } else if let output {
            sink = OCILayoutSink(format == .tar ? try TarSink(output) : try DirectorySink(output))
        } else {
            sink = OCILayoutSink(TarSink(stream: OutputFile(standardOutput: "standard output")))
        }
        var linked: [LinkMethod: Int] = [:]
        do {
            // In path order, so an oci-archive's members are sorted ("blobs/…" first, then
            // index.json and oci-layout at commit), whatever order the inputs came in.
            for path in blobs.keys.sorted() {
                guard let blob = blobs[path] else { continue }
                if cancellation?.isCancelled == true { throw CancellationError() }
                switch blob.content {
                case .document(let bytes):
                    try sink.putDocument(blob.descriptor, bytes: bytes)
                case .memory(let bytes):
                    try sink.putBlob(blob.descriptor, bytes: bytes)
                case .file(let file):
                    if options.link, format == .dir, file.wholeFile != nil, let layout = sink as? OCILayoutSink {
                        // Verify first (a read, no write), then link the verified inode.
                        try BlobCopier.copy(file, expecting: blob.descriptor, what: blob.what, cancellation: cancellation) { _ in }
                        if let method = try layout.link(blob.descriptor, to: file) {
                            linked[method, default: 0] += 1
                            continue
                        }
                    }
                    try sink.putBlob(blob.descriptor) { emit in
                        try BlobCopier.copy(file, expecting: blob.descriptor, what: blob.what, cancellation: cancellation, into: emit)
                    }
                }
            }
            for root in roots { try sink.setTag(root.tag, for: root.descriptor) }
            try sink.commit()
        } catch {
            sink.abort()
            throw error
        }

        return (result(linked: linked), nil)
    }

    private func checkDuplicates(_ entries: [PackEntry]) throws {
        guard !options.allowDuplicatePlatforms else { return }
        var seen: [Platform: PackEntry] = [:]
        for entry in entries where !entry.image.isAttestation {
            guard let platform = entry.platform?.normalized else { continue }
            if let first = seen[platform], first.image.descriptor.digest != entry.image.descriptor.digest {
                throw ManifoldError(
                    .invalidArgument,
                    "two images for \(platform): \(first.image.origin) and \(entry.image.origin); keep one with --platform, name one image with INPUT:TAG, or give --allow-duplicate-platforms")
            }
            seen[platform] = entry
        }
    }

    /// With --flat, index.json lists the platform manifests themselves, so each needs its
    /// own name for skopeo and umoci to find it: the tag for a single platform, else
    /// `TAG-os-arch[-variant]`. Attestations stay unnamed (they are not images to run).
    private func nameFlatEntries(_ entries: inout [PackEntry]) throws {
        let images = entries.indices.filter { !entries[$0].image.isAttestation }
        var named: [String: String] = [:]
        for position in images {
            var name = options.tag
            if images.count > 1, let platform = entries[position].platform?.normalized {
                name += "-" + ([platform.os, platform.architecture] + (platform.variant.map { [$0] } ?? [])).joined(separator: "-")
            }
            try ImageTag.validate(name, what: "the flat entry name")
            if let other = named[name] {
                throw ManifoldError(.invalidArgument, "--flat would name two entries \(name) (\(other) and \(entries[position].image.origin)); keep one with --platform")
            }
            named[name] = entries[position].image.origin
            entries[position].annotations["org.opencontainers.image.ref.name"] = name
        }
    }

    private func locate(_ descriptor: Descriptor, in image: PlatformManifest, file: StoredFile?) throws -> StoredFile {
        if let file { return file }
        guard let found = try image.sourceBlob(descriptor) else {
            throw ManifoldError(.absent, "\(image.origin): blob \(descriptor.digest.abbreviated)… is not in the input")
        }
        return found
    }
}

/// A blob the pack writes, and where its bytes come from.
struct PlannedBlob {
    enum Content {
        /// A manifest or an index.
        case document([UInt8])
        /// A config read whole.
        case memory([UInt8])
        case file(StoredFile)
    }

    let descriptor: Descriptor
    let content: Content
    let what: String
}
