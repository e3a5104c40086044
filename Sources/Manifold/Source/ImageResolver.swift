/// Finds an image's top document and platform manifests; see ``ResolvedImage``.
struct ImageResolver {
    let source: any ContentProvider
    let reference: LocalImageReference
    let limits: ImageLimits
    private var documents: DocumentReader
    private var manifests: [PlatformManifest] = []
    private var attestations: [PlatformManifest] = []
    private var notes: [String] = []
    /// The graph below the top document, for `inspect --tree`.
    private var nodes: [ImageGraphNode] = []
    /// Indexes and manifests already walked, by digest, with where they first appeared.
    private var walked: [Digest: (path: [String], isAttestation: Bool)] = [:]
    private var budget: DescriptorBudget
    /// Distinct images index.json (or manifest.json) lists, as chosen.
    private var images = 1
    /// The tags of the index.json entry chosen as the top document.
    private var topTags: [String] = []

    init(source: any ContentProvider, reference: LocalImageReference, limits: ImageLimits) {
        self.source = source
        self.reference = reference
        self.limits = limits
        documents = DocumentReader(source: source, limits: limits)
        budget = DescriptorBudget(limit: limits.descriptors)
    }

    mutating func resolve() throws -> ResolvedImage {
        let roots = try source.roots()
        if roots.contains(.dockerManifest), !roots.contains(.index) {
            return try resolveDockerSave()
        }
        // The image read from index.json must be the one `docker load` reads from manifest.json.
        if roots.contains(.dockerManifest), let disagreement = try DockerSaveAgreement(source: source, limits: limits).disagreements().first {
            throw ManifoldError(.invalidDocument, "\(source.location): \(disagreement.message)")
        }
        return try resolveLayout()
    }

    // MARK: OCI layouts (and docker saves that carry one)

    private mutating func resolveLayout() throws -> ResolvedImage {
        let read: [UInt8]?
        let decoded: ImageIndex?
        do {
            // The root is the container's, not content named by a digest: any problem with
            // it makes the image unusable.
            read = try source.root(.index, limit: limits.documentSize)
            decoded = try read.map { try ImageIndex(json: JSONParser.parse($0), declaredMediaType: nil) }
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidLayout, "\(source.location): index.json: \(error.message)")
        }
        guard let indexBytes = read, let index = decoded else {
            throw ManifoldError(.invalidLayout, "\(source.location): no index.json")
        }
        let entries = Array(index.manifests.enumerated())
        let top: (offset: Int, element: Descriptor)
        if reference.namesOne {
            let matches = entries.filter { reference.selects($0.element) }
            guard let match = matches.first else {
                throw reference.namesNothing(in: source.location, tags: entries.flatMap { LocalImageReference.shownTags(of: $0.element) })
            }
            guard Set(matches.map(\.element.digest)).count == 1 else {
                throw ManifoldError(.invalidArgument, "\(source.location) has \(matches.count) different images tagged \(quoted(reference.tag ?? ""))")
            }
            top = match
        } else if entries.count == 1 {
            top = entries[0]
        } else {
            // Every image index.json lists: the same rule as for a docker save of several.
            images = Set(index.manifests.map(\.digest)).count
            try collect(index.manifests, path: ["index.json"], depth: 1, top: 1, root: true)
            return result(topDescriptor: nil, topBytes: indexBytes, topIsIndex: true)
        }

        let topPath = ["index.json", ImageGraphRules.entryLabel(top.element, at: top.offset)]
        topTags = LocalImageReference.shownTags(of: top.element)
        _ = budget.spend()
        walked[top.element.digest] = (topPath, false)
        if MediaType.isIndex(top.element.mediaType) {
            guard ImageGraphRules.allowsIndex(atDepth: 1, limit: limits.indexDepth) else {
                throw ManifoldError(.invalidDocument, ImageGraphRules.depthExceeded(limit: limits.indexDepth))
            }
            let bytes = try documents.require(top.element, what: "index")
            let inner = try decode("index", top.element) { try ImageIndex(json: $0, declaredMediaType: top.element.mediaType) }(bytes)
            try collect(inner.manifests, path: topPath, depth: 2, top: 2)
            return result(topDescriptor: top.element, topBytes: bytes, topIsIndex: true)
        }
        guard MediaType.isManifest(top.element.mediaType) else {
            throw ManifoldError(.unsupportedFormat, "\(source.location): the image is \(top.element.mediaType), not an index or a manifest")
        }
        let manifest = try collectManifest(top.element, path: topPath)
        var node = ImageGraphNode(path: topPath, depth: 0, descriptor: top.element, kind: .manifest)
        node.tags = LocalImageReference.shownTags(of: top.element)
        node.image = manifest
        node.isAttestation = manifest.isAttestation
        nodes.append(node)
        return result(topDescriptor: top.element, topBytes: manifest.bytes, topIsIndex: false)
    }

    /// Walks an index's entries; `depth` is the depth of the entries (index.json's are at 1).
    /// `top`: how many path components the top document's path has (the tree starts below it).
    /// `origin`: how messages name the images found (default: the reference as given).
    private mutating func collect(_ entries: [Descriptor], path: [String], depth: Int, top: Int, root: Bool = false,
                                  origin: String? = nil) throws {
        for (i, entry) in entries.enumerated() {
            let entryPath = path + [ImageGraphRules.entryLabel(entry, at: i)]
            try admit(1, at: entryPath)
            let treeDepth = entryPath.count - top - 1
            let kind: ImageGraphNode.Kind = MediaType.isIndex(entry.mediaType) ? .index : MediaType.isManifest(entry.mediaType) ? .manifest : .other
            var node = ImageGraphNode(path: entryPath, depth: treeDepth, descriptor: entry, kind: kind)
            // With several images in the file, each is named by its tag in messages.
            var origin = origin
            if root {
                node.tags = LocalImageReference.shownTags(of: entry)
                origin = node.tags.first.map { "\(reference.path):\($0)" }
            }
            if kind != .other, let first = walked[entry.digest] {
                node.sameAs = first.path
                node.isAttestation = first.isAttestation
                nodes.append(node)
                continue
            }
            if MediaType.isIndex(entry.mediaType) {
                walked[entry.digest] = (entryPath, false)
                guard ImageGraphRules.allowsIndex(atDepth: depth, limit: limits.indexDepth) else {
                    throw ManifoldError(.invalidDocument, ImageGraphRules.depthExceeded(limit: limits.indexDepth))
                }
                nodes.append(node)
                let bytes = try documents.require(entry, what: "index")
                let inner = try decode("index", entry) { try ImageIndex(json: $0, declaredMediaType: entry.mediaType) }(bytes)
                try collect(inner.manifests, path: entryPath, depth: depth + 1, top: top, origin: origin)
            } else if MediaType.isManifest(entry.mediaType) {
                if case .absent = documents.read(entry) {
                    notes.append("\(entry.platform.map { "\($0)" } ?? "manifest") \(entry.digest.abbreviated)… is not in the archive (sparse): left out")
                    nodes.append(ImageGraphNode(path: entryPath, depth: treeDepth, descriptor: entry, kind: .absent))
                    continue
                }
                let image = try collectManifest(entry, path: entryPath, origin: origin)
                walked[entry.digest] = (entryPath, image.isAttestation)
                node.image = image
                node.isAttestation = image.isAttestation
                nodes.append(node)
            } else if MediaType.isSchema1(entry.mediaType) {
                throw ManifoldError(.unsupportedFormat, "Docker schema 1 manifests are not supported (\(entry.mediaType))")
            } else {
                notes.append("entry \(entry.digest.abbreviated)… of media type \(entry.mediaType) left out: not a manifest")
                nodes.append(node)
            }
        }
    }

    /// Counts descriptors against --max-descriptors: past it, the image is refused.
    private mutating func admit(_ count: Int, at path: [String]) throws {
        guard budget.spend(count) else {
            throw ManifoldError(.limitExceeded, "\(source.location): \(path.joined(separator: " › ")): \(budget.exceeded)")
        }
    }

    /// `origin`: how messages name the image (default: the reference as given).
    private mutating func collectManifest(_ descriptor: Descriptor, path: [String], origin: String? = nil) throws -> PlatformManifest {
        let bytes = try documents.require(descriptor, what: "manifest")
        let manifest = try decode("manifest", descriptor) { try ImageManifest(json: $0, declaredMediaType: descriptor.mediaType) }(bytes)
        try admit(1 + manifest.layers.count, at: path)
        var config: Document<ImageConfig>?
        if MediaType.isImageConfig(manifest.config.mediaType) {
            let read = try documents.require(manifest.config, what: "config")
            // Many manifests may share a config: decoded once, its value shared.
            let value = try documents.decodeConfig(manifest.config, bytes: read)
                .mapError { decodingError($0, "config", manifest.config) }.get()
            config = Document(bytes: read, digest: manifest.config.digest, value: value)
        }
        let image = PlatformManifest(
            descriptor: descriptor, document: Document(bytes: bytes, digest: descriptor.digest, value: manifest), configDocument: config,
            platform: mergedPlatform(config: config?.value, entry: descriptor.platform), synthesized: false,
            layerFiles: nil, configFile: nil, origin: origin ?? reference.description, source: source)
        if let mismatch = ImageGraphRules.platformMismatch(entry: descriptor.platform, config: config?.value.platform,
                                                           naming: "\(manifest.config.digest.abbreviated)…") {
            notes.append("\(mismatch) (verify and pack refuse it)")
        }
        if image.isAttestation { attestations.append(image) } else { manifests.append(image) }
        return image
    }

    // MARK: docker save without an OCI layout (Docker ≤ 24)

    private mutating func resolveDockerSave() throws -> ResolvedImage {
        let read: [UInt8]?
        let decoded: [DockerArchiveManifest]?
        do {
            read = try source.root(.dockerManifest, limit: limits.dockerManifestSize)
            decoded = try read.map { try DockerArchiveManifest.decodeList(JSONParser.parse($0)) }
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidLayout, "\(source.location): manifest.json: \(error.message)")
        }
        guard let bytes = read, let entries = decoded else {
            throw ManifoldError(.invalidLayout, "\(source.location): no manifest.json")
        }
        let chosen = entries.enumerated().filter { reference.selects($0.element) }
        guard !chosen.isEmpty else { throw reference.namesNothing(in: source.location, tags: entries.flatMap(\.repoTags)) }
        // Without a tag, every image it holds: the same rule as for an index.json of several.
        var firsts: [[String]: (path: [String], descriptor: Descriptor)] = [:]
        for (i, entry) in chosen {
            let path = ["manifest.json", ImageGraphRules.dockerEntryLabel(entry, at: i)]
            try admit(1, at: path)
            let key = [entry.config] + entry.layers
            if let first = firsts[key] {
                var node = ImageGraphNode(path: path, depth: 0, descriptor: first.descriptor, kind: .manifest)
                node.tags = entry.repoTags
                node.sameAs = first.path
                nodes.append(node)
                continue
            }
            try admit(1 + entry.layers.count, at: path)  // its config and layers
            let image = try synthesize(entry, origin: chosen.count > 1 ? entry.repoTags.first.map { "\(reference.path):\($0)" } : nil)
            firsts[key] = (path, image.descriptor)
            manifests.append(image)
            var node = ImageGraphNode(path: path, depth: 0, descriptor: image.descriptor, kind: .manifest)
            node.tags = entry.repoTags
            node.image = image
            nodes.append(node)
        }
        images = manifests.count
        if manifests.count == 1, let image = manifests.first {
            return result(topDescriptor: image.descriptor, topBytes: image.bytes, topIsIndex: false)
        }
        return result(topDescriptor: nil, topBytes: bytes, topIsIndex: true)
    }

    /// Builds the OCI manifest a `docker save` implies: the config as stored, each layer as
    /// stored (uncompressed tars, as Docker writes them), in deterministic JSON.
    private func synthesize(_ entry: DockerArchiveManifest, origin: String? = nil) throws -> PlatformManifest {
        guard let configFile = try source.file(at: entry.config) else {
            throw ManifoldError(.absent, "config \(entry.config) is not in \(source.location)")
        }
        let configBytes = try configFile.readAll(limit: limits.documentSize)
        let configDigest = try DigestHasher.digest(of: configBytes)
        if let named = DockerArchiveManifest.digestNamed(by: entry.config), named != configDigest {
            throw ManifoldError(.digestMismatch, "config \(entry.config): its name says \(named), its content is \(configDigest)")
        }
        let config = try decode("config", nil) { try ImageConfig(json: $0) }(configBytes)
        if let mismatch = ImageGraphRules.diffIDCountMismatch(config, layers: entry.layers.count) {
            throw ManifoldError(.invalidDocument, "\(entry.config): \(mismatch)")
        }
        var layers: [Descriptor] = []
        var files: [StoredFile] = []
        for (i, path) in entry.layers.enumerated() {
            guard let file = try source.file(at: path) else {
                throw ManifoldError(.absent, "layer \(path) is not in \(source.location)")
            }
            let compression = Compression.sniff(try file.prefix(Compression.sniffLength))
            let digest: Digest
            if let named = DockerArchiveManifest.digestNamed(by: path) {
                digest = named
            } else if compression == .plain {
                digest = config.diffIDs[i]  // checked when the layer is copied
            } else {
                guard let measured = try BlobCheck().measure(file.input).digest else {
                    throw ManifoldError(.internalFailure, "no digest for \(path)")
                }
                digest = measured
            }
            let mediaType = switch compression {
            case .plain: MediaType.ociLayer
            case .gzip: MediaType.ociLayerGzip
            case .zstd: MediaType.ociLayerZstd
            }
            layers.append(Descriptor(mediaType: mediaType, digest: digest, size: Int64(file.size)))
            files.append(file)
        }
        let configDescriptor = Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count))
        let json: JSONValue = .object(JSONObject([
            ("config", configDescriptor.json),
            ("layers", .array(layers.map(\.json))),
            ("mediaType", .string(MediaType.ociManifest)),
            ("schemaVersion", .number("2")),
        ]))
        let bytes = JSONWriter().bytes(json)
        let manifest = try ImageManifest(json: json, declaredMediaType: MediaType.ociManifest)
        let descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: try DigestHasher.digest(of: bytes), size: Int64(bytes.count),
                                    platform: config.platform)
        return PlatformManifest(
            descriptor: descriptor, document: Document(bytes: bytes, digest: descriptor.digest, value: manifest),
            configDocument: Document(bytes: configBytes, digest: configDigest, value: config),
            platform: config.platform, synthesized: true, layerFiles: files, configFile: configFile,
            origin: origin ?? reference.description, source: source)
    }

    // MARK: helpers

    private func result(topDescriptor: Descriptor?, topBytes: [UInt8], topIsIndex: Bool) -> ResolvedImage {
        ResolvedImage(reference: reference, source: source, topDescriptor: topDescriptor,
                      topTags: topTags, topBytes: topBytes,
                      topIsIndex: topIsIndex, manifests: manifests, attestations: attestations, notes: notes,
                      nodes: nodes, images: images)
    }

    /// Decoding with the document's name and digest in front of any error.
    private func decode<T>(_ what: String, _ descriptor: Descriptor?, _ body: @escaping (JSONValue) throws -> T) -> ([UInt8]) throws -> T {
        { bytes in
            do {
                return try body(try JSONParser.parse(bytes))
            } catch let error as ManifoldError {
                throw decodingError(error, what, descriptor)
            }
        }
    }

    /// A decoding error with the document's name and digest in front.
    private func decodingError(_ error: ManifoldError, _ what: String, _ descriptor: Descriptor?) -> ManifoldError {
        let name = descriptor.map { " \($0.digest.abbreviated)…" } ?? ""
        return ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidDocument, "\(what)\(name): \(error.message)")
    }
}
