/// Finds an image's top document and platform manifests; see ``ResolvedImage``.
struct ImageResolver {
    let source: any ImageSource
    let reference: ImageReference
    let limits: ImageLimits
    private var documents: DocumentReader
    private var manifests: [PlatformManifest] = []
    private var attestations: [PlatformManifest] = []
    private var notes: [String] = []

    init(source: any ImageSource, reference: ImageReference, limits: ImageLimits) {
        self.source = source
        self.reference = reference
        self.limits = limits
        documents = DocumentReader(source: source, limits: limits)
    }

    mutating func resolve() throws -> ResolvedImage {
        if source.kind == .dockerArchive, try source.file("index.json") == nil {
            return try resolveDockerSave()
        }
        return try resolveLayout()
    }

    // MARK: OCI layouts (and docker saves that carry one)

    private mutating func resolveLayout() throws -> ResolvedImage {
        guard let file = try source.file("index.json") else {
            throw ManifoldError(.invalidLayout, "\(source.location): no index.json")
        }
        let indexBytes: [UInt8]
        let index: ImageIndex
        do {
            // The root is the container's, not content named by a digest: any problem with
            // it makes the image unusable.
            indexBytes = try file.readAll(limit: limits.documentSize)
            index = try ImageIndex(json: JSONParser.parse(indexBytes), declaredMediaType: nil)
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidLayout, "\(source.location): index.json: \(error.message)")
        }
        let entries = index.manifests
        let top: Descriptor?
        if let tag = reference.tag {
            let matches = entries.filter { Self.tags(of: $0).contains(tag) }
            guard matches.count == 1, let match = matches.first else {
                throw ManifoldError(
                    .invalidArgument,
                    matches.isEmpty
                        ? "\(source.location) has no image tagged \(quoted(tag)); tags: \(tagList(entries))"
                        : "\(source.location) has \(matches.count) images tagged \(quoted(tag))")
            }
            top = match
        } else if entries.count == 1 {
            top = entries[0]
        } else if !entries.isEmpty, entries.allSatisfy({ MediaType.isManifest($0.mediaType) }) {
            top = nil  // index.json itself lists the platforms
        } else {
            throw ManifoldError(
                .invalidArgument,
                "\(source.location) holds \(entries.count) images; choose one with \(source.location):TAG (tags: \(tagList(entries)))")
        }

        guard let top else {
            try collect(entries, depth: 1)
            return result(topDescriptor: nil, topBytes: indexBytes, topIsIndex: true)
        }
        if MediaType.isIndex(top.mediaType) {
            let bytes = try documents.require(top, what: "index")
            let inner = try decode("index", top) { try ImageIndex(json: $0, declaredMediaType: top.mediaType) }(bytes)
            try collect(inner.manifests, depth: 2)
            return result(topDescriptor: top, topBytes: bytes, topIsIndex: true)
        }
        guard MediaType.isManifest(top.mediaType) else {
            throw ManifoldError(.unsupportedFormat, "\(source.location): the image is \(top.mediaType), not an index or a manifest")
        }
        let manifest = try collectManifest(top)
        return result(topDescriptor: top, topBytes: manifest.bytes, topIsIndex: false)
    }

    private mutating func collect(_ entries: [Descriptor], depth: Int) throws {
        for entry in entries {
            if MediaType.isIndex(entry.mediaType) {
                guard depth < limits.indexDepth else {
                    throw ManifoldError(.invalidDocument, "indexes nested deeper than \(limits.indexDepth) levels (the limit)")
                }
                let bytes = try documents.require(entry, what: "index")
                let inner = try decode("index", entry) { try ImageIndex(json: $0, declaredMediaType: entry.mediaType) }(bytes)
                try collect(inner.manifests, depth: depth + 1)
            } else if MediaType.isManifest(entry.mediaType) {
                if case .absent = documents.read(entry) {
                    notes.append("\(entry.platform.map { "\($0)" } ?? "manifest") \(entry.digest.abbreviated)… is not in the archive (sparse): left out")
                    continue
                }
                try collectManifest(entry)
            } else if MediaType.isSchema1(entry.mediaType) {
                throw ManifoldError(.unsupportedFormat, "Docker schema 1 manifests are not supported (\(entry.mediaType))")
            } else {
                notes.append("entry \(entry.digest.abbreviated)… of media type \(entry.mediaType) left out: not a manifest")
            }
        }
    }

    @discardableResult
    private mutating func collectManifest(_ descriptor: Descriptor) throws -> PlatformManifest {
        let bytes = try documents.require(descriptor, what: "manifest")
        let manifest = try decode("manifest", descriptor) { try ImageManifest(json: $0, declaredMediaType: descriptor.mediaType) }(bytes)
        var config: Document<ImageConfig>?
        if MediaType.isImageConfig(manifest.config.mediaType) {
            let read = try documents.require(manifest.config, what: "config")
            config = Document(bytes: read, digest: manifest.config.digest,
                              value: try decode("config", manifest.config) { try ImageConfig(json: $0) }(read))
        }
        let image = PlatformManifest(
            descriptor: descriptor, document: Document(bytes: bytes, digest: descriptor.digest, value: manifest), configDocument: config,
            platform: mergedPlatform(config: config?.value, entry: descriptor.platform), synthesized: false,
            layerFiles: nil, configFile: nil, origin: reference.description, source: source)
        if image.isAttestation { attestations.append(image) } else { manifests.append(image) }
        return image
    }

    // MARK: docker save without an OCI layout (Docker ≤ 24)

    private mutating func resolveDockerSave() throws -> ResolvedImage {
        guard let file = try source.file("manifest.json") else {
            throw ManifoldError(.invalidLayout, "\(source.location): no manifest.json")
        }
        let entries: [DockerArchiveManifest]
        do {
            entries = try DockerArchiveManifest.decodeList(JSONParser.parse(file.readAll(limit: limits.dockerManifestSize)))
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidLayout, "\(source.location): manifest.json: \(error.message)")
        }
        let chosen: DockerArchiveManifest
        if let tag = reference.tag {
            let matches = entries.filter { $0.repoTags.contains { Self.repoTag($0, matches: tag) } }
            guard matches.count == 1, let match = matches.first else {
                let tags = entries.flatMap(\.repoTags).joined(separator: ", ")
                throw ManifoldError(.invalidArgument, "\(source.location) has \(matches.isEmpty ? "no" : "\(matches.count)") images tagged \(quoted(tag)); tags: \(tags)")
            }
            chosen = match
        } else {
            guard entries.count == 1 else {
                let tags = entries.flatMap(\.repoTags).joined(separator: ", ")
                throw ManifoldError(.invalidArgument, "\(source.location) holds \(entries.count) images; choose one with \(source.location):TAG (tags: \(tags))")
            }
            chosen = entries[0]
        }
        let image = try synthesize(chosen)
        manifests.append(image)
        return result(topDescriptor: image.descriptor, topBytes: image.bytes, topIsIndex: false)
    }

    /// Builds the OCI manifest a `docker save` implies: the config as stored, each layer as
    /// stored (uncompressed tars, as Docker writes them), in deterministic JSON.
    private func synthesize(_ entry: DockerArchiveManifest) throws -> PlatformManifest {
        guard let configFile = try source.file(entry.config) else {
            throw ManifoldError(.absent, "config \(entry.config) is not in \(source.location)")
        }
        let configBytes = try configFile.readAll(limit: limits.documentSize)
        let configDigest = try Hasher.digest(of: configBytes)
        if let named = DockerArchiveManifest.digestNamed(by: entry.config), named != configDigest {
            throw ManifoldError(.digestMismatch, "config \(entry.config): its name says \(named), its content is \(configDigest)")
        }
        let config = try decode("config", nil) { try ImageConfig(json: $0) }(configBytes)
        guard config.diffIDs.count == entry.layers.count else {
            throw ManifoldError(.invalidDocument, "config \(entry.config) lists \(counted(config.diffIDs.count, "diff_id")) for \(counted(entry.layers.count, "layer"))")
        }
        var layers: [Descriptor] = []
        var files: [StoredFile] = []
        for (i, path) in entry.layers.enumerated() {
            guard let file = try source.file(path) else {
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
        let descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: try Hasher.digest(of: bytes), size: Int64(bytes.count),
                                    platform: config.platform)
        return PlatformManifest(
            descriptor: descriptor, document: Document(bytes: bytes, digest: descriptor.digest, value: manifest),
            configDocument: Document(bytes: configBytes, digest: configDigest, value: config),
            platform: config.platform, synthesized: true, layerFiles: files, configFile: configFile,
            origin: reference.description, source: source)
    }

    // MARK: helpers

    private func result(topDescriptor: Descriptor?, topBytes: [UInt8], topIsIndex: Bool) -> ResolvedImage {
        ResolvedImage(reference: reference, source: source, topDescriptor: topDescriptor, topBytes: topBytes,
                      topIsIndex: topIsIndex, manifests: manifests, attestations: attestations, notes: notes)
    }

    /// Decoding with the document's name and digest in front of any error.
    private func decode<T>(_ what: String, _ descriptor: Descriptor?, _ body: @escaping (JSONValue) throws -> T) -> ([UInt8]) throws -> T {
        { bytes in
            do {
                return try body(try JSONParser.parse(bytes))
            } catch let error as ManifoldError {
                let name = descriptor.map { " \($0.digest.abbreviated)…" } ?? ""
                throw ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidDocument, "\(what)\(name): \(error.message)")
            }
        }
    }

    /// The tags an index.json entry answers to: its ref.name, and the tag of its containerd
    /// image name (`docker.io/library/app:1.0` → `1.0`).
    static func tags(of entry: Descriptor) -> [String] {
        var tags: [String] = []
        if let name = entry.referenceName { tags.append(name) }
        if let image = entry.annotations?["io.containerd.image.name"] {
            tags.append(image)
            if let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") {
                tags.append(String(image[image.index(after: colon)...]))
            }
        }
        return tags
    }

    private func tagList(_ entries: [Descriptor]) -> String {
        let names = entries.compactMap { Self.tags(of: $0).first }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    /// `docker.io/library/app:1.0` answers to itself, `app:1.0`, `library/app:1.0` and `1.0`.
    static func repoTag(_ repoTag: String, matches wanted: String) -> Bool {
        if repoTag == wanted { return true }
        if let colon = repoTag.lastIndex(of: ":"), String(repoTag[repoTag.index(after: colon)...]) == wanted { return true }
        for prefix in ["docker.io/library/", "docker.io/"] where repoTag.hasPrefix(prefix) {
            if String(repoTag.dropFirst(prefix.count)) == wanted { return true }
        }
        return false
    }
}
