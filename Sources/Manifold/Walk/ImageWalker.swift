/// The one walk over an image graph — roots → indexes → nested indexes → manifests → config
/// → layers, and a `docker save`'s `manifest.json` — for every command (verify, inspect,
/// pack; later pull, push, copy). It reads every document through one ``DocumentReader``
/// (size and digest checked before anything is decoded), spends one ``DescriptorBudget``,
/// walks each document once (by digest and media type), and applies each rule of
/// ``ImageGraphRules`` in one place; a ``ImageGraphVisitor`` is told what it found.
///
/// Blobs (layers, configs that are not image configs) are located, never read: measuring
/// them is the visitor's business.
struct ImageWalker {
    let source: any ContentProvider
    let limits: ImageLimits
    /// A tag or digest chooses among the roots' images; without one, every image.
    let reference: LocalImageReference
    /// --platform: images of other platforms are left out (none: every platform).
    let platforms: [Platform]

    private var reader: DocumentReader
    private(set) var budget: DescriptorBudget
    private var visited: [WalkedKey: FirstVisit] = [:]
    /// docker-save configs read, by path: many images may share one.
    var dockerConfigs: [String: DockerConfigRead] = [:]
    /// Whether a tag or digest that selects an image also selects what index.json lists
    /// attached to it: its cosign `sha256-<hex>.sig`/`.att`/`.sbom` tags and the referrers
    /// whose `subject` it is (verify: a signed image's signatures are checked with it).
    var followsAttachedArtifacts = false
    /// The positions of index.json's entries attached to a selected one (see above).
    private var attachedRoots: Set<Int> = []
    /// Set once --max-descriptors is reached: nothing more is visited.
    private(set) var stopped = false
    /// Bytes and count of docker-save configs read (documents not read by ``reader``).
    var dockerConfigBytes: UInt64 = 0
    var dockerConfigCount = 0

    init(source: any ContentProvider, limits: ImageLimits, reference: LocalImageReference, platforms: [Platform] = []) {
        self.source = source
        self.limits = limits
        self.reference = reference
        self.platforms = platforms
        reader = DocumentReader(source: source, limits: limits)
        budget = DescriptorBudget(limit: limits.descriptors)
    }

    /// Bytes and count of distinct documents read during the walk.
    var documentBytes: UInt64 { reader.bytesRead + dockerConfigBytes }
    var documentCount: Int { reader.documentsRead + dockerConfigCount }

    // MARK: the roots

    /// Walks the source from its roots: `index.json`; a `docker save`'s `manifest.json`
    /// (Docker ≤ 24); for a save holding both (Docker 25+), `index.json` after checking that
    /// the two name the same image per tag, and `manifest.json` too when the visitor
    /// ``ImageGraphVisitor/walksEveryRoot``.
    mutating func walk<Visitor: ImageGraphVisitor>(_ visitor: inout Visitor) throws {
        let roots = try source.roots()
        let docker = roots.contains(.dockerManifest)
        let index = roots.contains(.index)
        if docker, index {
            try visitor.visitDisagreements(try DockerSaveAgreement(source: source, limits: limits).disagreements())
        }
        if index || !docker { try walkIndexRoot(&visitor) }
        if docker, !index || visitor.walksEveryRoot { try walkDockerRoot(&visitor) }
    }

    /// Walks `index.json` and the entries the reference selects.
    mutating func walkIndexRoot<Visitor: ImageGraphVisitor>(_ visitor: inout Visitor) throws {
        let root = readIndexRoot()
        var selected: [Int] = []
        if case .read(_, let index) = root {
            selected = index.manifests.indices.filter { reference.selects(index.manifests[$0]) }
        }
        try visitor.visitIndexRoot(root, selected: selected)
        guard case .read(_, let index) = root else { return }
        if followsAttachedArtifacts, reference.tag != nil || reference.digest != nil {
            // The platforms' signatures too (`cosign sign --recursive`): --require-signature
            // every-platform looks for them.
            let signed = AttachedArtifacts.digestsWithPlatforms(selected.map { index.manifests[$0] }, source: source, limits: limits)
            attachedRoots = Set(AttachedArtifacts.positions(attachedTo: signed, in: index.manifests, source: source))
        }
        try walkEntries(index.manifests, path: [ContentRoot.index.name], depth: 1, root: true, &visitor)
    }

    /// `index.json`, read within the document limit and decoded.
    func readIndexRoot() -> RootReading<ImageIndex> {
        readRoot(.index, limit: limits.documentSize) { try ImageIndex(json: JSONParser.parse($0), declaredMediaType: nil) }
    }

    /// `manifest.json`, read within its own limit and decoded.
    func readDockerRoot() -> RootReading<[DockerArchiveManifest]> {
        readRoot(.dockerManifest, limit: limits.dockerManifestSize) { try DockerArchiveManifest.decodeList(JSONParser.parse($0)) }
    }

    private func readRoot<Value>(_ root: ContentRoot, limit: Int, decode: ([UInt8]) throws -> Value) -> RootReading<Value> {
        let bytes: [UInt8]
        do {
            guard let read = try source.root(root, limit: limit) else { return .absent }
            bytes = read
        } catch {
            return .unreadable(error)
        }
        do {
            return .read(bytes: bytes, value: try decode(bytes))
        } catch {
            return .undecodable(error)
        }
    }

    // MARK: indexes and manifests

    /// Walks an index's entries; `depth`: theirs (index.json's are at 1). `root`: the entries
    /// are index.json's, which the reference selects among.
    private mutating func walkEntries<Visitor: ImageGraphVisitor>(_ entries: [Descriptor], path: [String], depth: Int, root: Bool,
                                                                  _ visitor: inout Visitor) throws {
        for (i, descriptor) in entries.enumerated() {
            if root, !reference.selects(descriptor), !attachedRoots.contains(i) { continue }
            let entry = GraphEntry(path: path + [ImageGraphRules.entryLabel(descriptor, at: i)], descriptor: descriptor,
                                   depth: depth, position: i, isRootEntry: root)
            guard try admit(entry.path, owner: entry.path, &visitor) else { return }
            // An entry's platform filters before anything of it is read.
            if let platform = descriptor.platform, MediaType.isManifest(descriptor.mediaType),
               !ImageGraphRules.keeps(platform, wanted: platforms)
            {
                try visitor.visitSkipped(entry, platform: platform, byConfig: false)
                continue
            }
            try visit(entry, &visitor)
        }
    }

    mutating func visit<Visitor: ImageGraphVisitor>(_ entry: GraphEntry, _ visitor: inout Visitor) throws {
        let type = entry.descriptor.mediaType
        let key = WalkedKey(digest: entry.descriptor.digest, mediaType: type)
        if MediaType.isIndex(type) || MediaType.isManifest(type) {
            if let first = visited[key] {
                let reread = first.state == .decoded ? reader.read(entry.descriptor) : nil
                try visitor.visitRepeat(entry, first: first, reread: reread)
                return
            }
            visited[key] = FirstVisit(path: entry.path)
        }
        if MediaType.isIndex(type) {
            try walkIndex(entry, key: key, &visitor)
        } else if MediaType.isManifest(type) {
            try walkManifest(entry, key: key, &visitor)
        } else if MediaType.isSchema1(type) {
            try visitor.visitSchema1(entry)
        } else {
            // Not an error (image-spec): the visitor checks its bytes; nothing to descend into.
            try visitor.visitOther(entry)
        }
    }

    private mutating func walkIndex<Visitor: ImageGraphVisitor>(_ entry: GraphEntry, key: WalkedKey, _ visitor: inout Visitor) throws {
        guard ImageGraphRules.allowsIndex(atDepth: entry.depth, limit: limits.indexDepth) else {
            visited[key]?.state = .failed
            try visitor.visitIndex(entry, .tooDeep)
            return
        }
        let outcome: DocumentOutcome<ImageIndex> = readDocument(entry.descriptor) {
            try ImageIndex(json: JSONParser.parse($0), declaredMediaType: entry.descriptor.mediaType)
        }
        visited[key]?.state = Self.state(of: outcome)
        try visitor.visitIndex(entry, outcome)
        guard let index = outcome.value else { return }
        try walkEntries(index.manifests, path: entry.path, depth: entry.depth + 1, root: false, &visitor)
    }

    private mutating func walkManifest<Visitor: ImageGraphVisitor>(_ entry: GraphEntry, key: WalkedKey, _ visitor: inout Visitor) throws {
        let outcome: DocumentOutcome<ImageManifest> = readDocument(entry.descriptor) {
            try ImageManifest(json: JSONParser.parse($0), declaredMediaType: entry.descriptor.mediaType)
        }
        visited[key]?.state = Self.state(of: outcome)
        try visitor.visitManifest(entry, outcome)
        guard let manifest = outcome.document else { return }

        // The config: read now, since the platform and the layers' diff_ids are in it.
        let configPath = entry.path + ["config"]
        guard try admit(configPath, owner: entry.path, &visitor) else { return }
        let descriptor = manifest.value.config
        var configOutcome: DocumentOutcome<ImageConfig>?
        if MediaType.isImageConfig(descriptor.mediaType) {
            switch reader.read(descriptor) {
            case .read(let bytes):
                // Many manifests may share a config: decoded once, its value shared.
                configOutcome = switch reader.decodeConfig(descriptor, bytes: bytes) {
                case .success(let config): .decoded(Document(bytes: bytes, digest: descriptor.digest, value: config))
                case .failure(let error): .undecodable(error)
                }
            case let unread:
                configOutcome = .unread(unread)
            }
        }
        let config = configOutcome?.value
        // A signature or attestation has no platform of its own (cosign's config says "" for
        // both): it is not one, and --platform does not leave it out.
        let artifact = ImageGraphRules.artifact(entry: entry.descriptor, manifest: manifest.value)
        visited[key]?.configPlatform = artifact == nil ? config?.platform : nil
        // The platform filter, for manifests whose index entry named no platform.
        let platform = artifact == nil ? entry.entryPlatform ?? config?.platform : nil
        if artifact == nil, entry.entryPlatform == nil, let platform, !ImageGraphRules.keeps(platform, wanted: platforms) {
            visited[key]?.state = .skipped
            try visitor.visitSkipped(entry, platform: platform, byConfig: true)
            return
        }
        try visitor.visitConfig(ConfigFound(manifestEntry: entry, manifest: manifest, descriptor: descriptor, path: configPath,
                                            outcome: configOutcome, platform: platform, artifact: artifact))

        let diffIDs = ImageGraphRules.layerDiffIDs(config, layers: manifest.value.layers.count)
        for (i, layer) in manifest.value.layers.enumerated() {
            let path = entry.path + ["layers[\(i)]"]
            guard try admit(path, owner: entry.path, &visitor) else { return }
            try visitor.visitLayer(LayerFound(path: path, descriptor: layer, position: i, platform: platform, diffID: diffIDs?[i]))
        }
    }

    // MARK: helpers

    /// Counts one more descriptor against --max-descriptors. The first one past it is handed
    /// to the visitor and stops the walk, so no graph can make the work outgrow the limit.
    mutating func admit<Visitor: ImageGraphVisitor>(_ path: [String], owner: [String], _ visitor: inout Visitor) throws -> Bool {
        guard !stopped else { return false }
        guard !budget.spend() else { return true }
        stopped = true
        try visitor.visitLimit(LimitReached(path: path, owner: owner, limit: budget.limit, message: budget.exceeded))
        return false
    }

    /// A document's bytes, checked against its descriptor, then decoded.
    private mutating func readDocument<Value>(_ descriptor: Descriptor, decode: ([UInt8]) throws -> Value) -> DocumentOutcome<Value> {
        switch reader.read(descriptor) {
        case .read(let bytes):
            do {
                return .decoded(Document(bytes: bytes, digest: descriptor.digest, value: try decode(bytes)))
            } catch {
                return .undecodable(error)
            }
        case let unread:
            return .unread(unread)
        }
    }

    private static func state<Value>(of outcome: DocumentOutcome<Value>) -> FirstVisit.State {
        switch outcome {
        case .decoded: .decoded
        case .unread(.absent): .absent
        default: .failed
        }
    }
}
