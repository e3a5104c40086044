/// Inspect's and pack's visitor of the image graph (``ImageWalker``): finds an image's top
/// document and platform manifests (see ``ResolvedImage``) and the nodes `inspect --tree`
/// draws. The first problem refuses the image: every visit that finds one throws.
struct ImageResolver: ImageGraphVisitor {
    let source: any ContentProvider
    let reference: LocalImageReference
    let limits: ImageLimits
    private var manifests: [PlatformManifest] = []
    private var attestations: [PlatformManifest] = []
    private var notes: [String] = []
    /// The graph below the top document, for `inspect --tree`.
    private var nodes: [ImageGraphNode] = []
    /// Manifests walked, by path: whether each is an attestation, for later listings of it.
    private var attestationAt: [[String]: Bool] = [:]
    /// Distinct images index.json (or manifest.json) lists, as chosen.
    private var images = 1
    /// index.json entries that are signatures or other artifacts, not images.
    private var rootArtifacts: Set<Digest> = []
    /// The tags of the index.json entry chosen as the top document.
    private var topTags: [String] = []
    /// The top document: nil until found; `index.json` itself, or manifest.json, when the
    /// root's images are the image.
    private var top: (descriptor: Descriptor?, bytes: [UInt8], isIndex: Bool)?
    /// When one entry of index.json is the image: its position (other entries the reference
    /// selects are the same document, and not the image again).
    private var topEntry: Int?
    /// Its path: `["index.json", "manifests[0]"]`.
    private var topPath: [String]?
    /// How many path components the top document's path has: the tree starts below it.
    private var topLength = 1
    /// How messages name the images of each index.json entry, when the file holds several.
    private var origins: [[String]: String] = [:]
    /// docker-save: the images chosen, how messages name each, and the synthesized
    /// descriptor of each image's first listing.
    private var dockerChosen = 0
    private var dockerRootBytes: [UInt8] = []
    private var dockerDescriptors: [[String]: Descriptor] = [:]
    /// The docker-save image being walked: its config and layer files.
    private var dockerConfig: (read: DockerConfigRead, config: Document<ImageConfig>)?
    private var dockerLayers: [(path: String, file: StoredFile)] = []

    init(source: any ContentProvider, reference: LocalImageReference, limits: ImageLimits) {
        self.source = source
        self.reference = reference
        self.limits = limits
    }

    mutating func resolve() throws -> ResolvedImage {
        var walker = ImageWalker(source: source, limits: limits, reference: reference)
        try walker.walk(&self)
        guard let top else { throw ManifoldError(.internalFailure, "\(source.location): no top document was found") }
        return ResolvedImage(reference: reference, source: source, topDescriptor: top.descriptor,
                             topTags: topTags, topBytes: top.bytes,
                             topIsIndex: top.isIndex, manifests: manifests, attestations: attestations, notes: notes,
                             nodes: nodes, images: max(1, images - rootArtifacts.count))
    }

    // MARK: roots

    mutating func visitDisagreements(_ disagreements: [DockerSaveAgreement.Disagreement]) throws {
        // The image read from index.json must be the one `docker load` reads from manifest.json.
        if let disagreement = disagreements.first {
            throw ManifoldError(.invalidDocument, "\(source.location): \(disagreement.message)")
        }
    }

    mutating func visitIndexRoot(_ root: RootReading<ImageIndex>, selected: [Int]) throws {
        // The root is the container's, not content named by a digest: any problem with it
        // makes the image unusable.
        let (bytes, index) = try rootValue(root, name: "index.json")
        let entries = index.manifests
        if reference.namesOne {
            guard let match = selected.first else {
                throw reference.namesNothing(in: source.location, tags: entries.flatMap { LocalImageReference.shownTags(of: $0) })
            }
            guard Set(selected.map { entries[$0].digest }).count == 1 else {
                throw ManifoldError(.invalidArgument, "\(source.location) has \(selected.count) different images tagged \(quoted(reference.tag ?? ""))")
            }
            topEntry = match
        } else if entries.count == 1 {
            topEntry = 0
        } else {
            // Every image index.json lists: the same rule as for a docker save of several.
            images = Set(entries.map(\.digest)).count
            top = (nil, bytes, true)
        }
        if let topEntry {
            topTags = LocalImageReference.shownTags(of: entries[topEntry])
            topPath = ["index.json", ImageGraphRules.entryLabel(entries[topEntry], at: topEntry)]
            topLength = 2
        }
    }

    /// The root's bytes and value, or the error that makes the image unusable.
    private func rootValue<Value>(_ root: RootReading<Value>, name: String) throws -> ([UInt8], Value) {
        switch root {
        case .read(let bytes, let value):
            return (bytes, value)
        case .absent:
            throw ManifoldError(.invalidLayout, "\(source.location): no \(name)")
        case .unreadable(let error), .undecodable(let error):
            guard let error = error as? ManifoldError else { throw error }
            throw ManifoldError(.invalidLayout, "\(source.location): \(name): \(error.message)")
        }
    }

    // MARK: indexes and manifests

    /// Whether the walk is at the top document itself (the index.json entry that is the image).
    private func isTop(_ entry: GraphEntry) -> Bool {
        entry.isRootEntry && topEntry == entry.position
    }

    /// Whether the walk is where the tree does not go: another index.json entry the
    /// reference selects, which is the top document again.
    private func isBesideTop(_ entry: GraphEntry) -> Bool {
        guard let topPath else { return false }
        return !entry.path.starts(with: topPath)
    }

    private func node(_ entry: GraphEntry, kind: ImageGraphNode.Kind) -> ImageGraphNode {
        var node = ImageGraphNode(path: entry.path, depth: entry.path.count - topLength - 1, descriptor: entry.descriptor, kind: kind)
        // With several images in the file, each is named by its tag in messages.
        if entry.isRootEntry { node.tags = entry.tags }
        return node
    }

    /// How messages name the images below an index.json entry (default: the reference as given).
    private func origin(of path: [String]) -> String {
        origins[Array(path.prefix(2))] ?? reference.description
    }

    mutating func visitIndex(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) throws {
        if isBesideTop(entry) { return }
        let document = try require(outcome, entry.descriptor, what: "index")
        if isTop(entry) {
            top = (entry.descriptor, document.bytes, true)
            return
        }
        noteOrigin(entry)
        nodes.append(node(entry, kind: .index))
    }

    mutating func visitManifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) throws {
        if isBesideTop(entry) { return }
        if outcome.isAbsent, !isTop(entry) {
            noteAbsent(entry)
            return
        }
        _ = try require(outcome, entry.descriptor, what: "manifest")
        noteOrigin(entry)
    }

    /// With several images in the file, each is named by its tag in messages.
    private mutating func noteOrigin(_ entry: GraphEntry) {
        guard entry.isRootEntry, topEntry == nil, let tag = entry.tags.first else { return }
        origins[entry.path] = "\(reference.path):\(tag)"
    }

    /// A manifest absent from a sparse archive: left out, with a note.
    private mutating func noteAbsent(_ entry: GraphEntry) {
        notes.append("\(entry.entryPlatform.map { "\($0)" } ?? "manifest") \(entry.descriptor.digest.abbreviated)… is not in the archive (sparse): left out")
        nodes.append(ImageGraphNode(path: entry.path, depth: entry.path.count - topLength - 1, descriptor: entry.descriptor, kind: .absent))
    }

    mutating func visitConfig(_ found: ConfigFound) throws {
        let entry = found.manifestEntry
        if isBesideTop(entry) { return }
        var config: Document<ImageConfig>?
        if let outcome = found.outcome {
            config = try require(outcome, found.descriptor, what: "config")
        }
        var image = PlatformManifest(
            descriptor: entry.descriptor, document: found.manifest, configDocument: config,
            // An artifact's config says nothing of a platform (cosign's says "" for both).
            platform: found.artifact != nil && entry.entryPlatform == nil ? nil : mergedPlatform(config: config?.value, entry: entry.entryPlatform),
            synthesized: false, layerFiles: nil, configFile: nil, origin: origin(of: entry.path), source: source)
        image.artifact = found.artifact
        if found.artifact != nil, entry.isRootEntry, topEntry == nil { rootArtifacts.insert(entry.descriptor.digest) }
        let named = "\(found.descriptor.digest.abbreviated)…"
        // An image whose config does not match its layers would fail every verifier
        // downstream: pack refuses it rather than publish it.
        if let mismatch = found.diffIDMismatch { image.conflicts.append("\(named): \(mismatch)") }
        if let mismatch = found.platformMismatch(naming: named) {
            notes.append("\(mismatch) (verify and pack refuse it)")
            image.conflicts.append(mismatch)
        }
        if image.isAttestation { attestations.append(image) } else { manifests.append(image) }
        attestationAt[entry.path] = image.isAttestation
        var node = node(entry, kind: .manifest)
        if isTop(entry) {
            // The image is this one manifest: the tree shows it, with its tags, at the top.
            top = (entry.descriptor, image.bytes, false)
            node = ImageGraphNode(path: entry.path, depth: 0, descriptor: entry.descriptor, kind: .manifest)
            node.tags = topTags
        }
        node.image = image
        node.isAttestation = image.isAttestation
        nodes.append(node)
    }

    mutating func visitRepeat(_ entry: GraphEntry, first: FirstVisit, reread: DocumentReader.Outcome?) throws {
        if isBesideTop(entry) { return }
        // An absent manifest is left out wherever it is listed.
        if first.state == .absent {
            noteAbsent(entry)
            return
        }
        let kind: ImageGraphNode.Kind = MediaType.isIndex(entry.descriptor.mediaType) ? .index : .manifest
        var node = node(entry, kind: kind)
        node.sameAs = first.path
        node.isAttestation = attestationAt[first.path] ?? false
        nodes.append(node)
    }

    mutating func visitSkipped(_ entry: GraphEntry?, platform: Platform, byConfig: Bool) throws {
        // Inspect and pack walk every platform: --platform applies to what was found.
    }

    mutating func visitOther(_ entry: GraphEntry) throws {
        if isBesideTop(entry) { return }
        if isTop(entry) {
            throw ManifoldError(.unsupportedFormat, "\(source.location): the image is \(entry.descriptor.mediaType), not an index or a manifest")
        }
        notes.append("entry \(entry.descriptor.digest.abbreviated)… of media type \(entry.descriptor.mediaType) left out: not a manifest")
        nodes.append(node(entry, kind: .other))
    }

    mutating func visitSchema1(_ entry: GraphEntry) throws {
        if isBesideTop(entry) { return }
        if isTop(entry) {
            throw ManifoldError(.unsupportedFormat, "\(source.location): the image is \(entry.descriptor.mediaType), not an index or a manifest")
        }
        throw ManifoldError(.unsupportedFormat, "Docker schema 1 manifests are not supported (\(entry.descriptor.mediaType))")
    }

    /// Past --max-descriptors, the image is refused.
    mutating func visitLimit(_ reached: LimitReached) throws {
        throw ManifoldError(.limitExceeded, "\(source.location): \(reached.owner.joined(separator: " › ")): \(reached.message)")
    }

    // MARK: docker save without an OCI layout (Docker ≤ 24)

    mutating func visitDockerRoot(_ root: RootReading<[DockerArchiveManifest]>, selected: [Int]) throws {
        let (bytes, entries) = try rootValue(root, name: "manifest.json")
        guard !selected.isEmpty else { throw reference.namesNothing(in: source.location, tags: entries.flatMap(\.repoTags)) }
        dockerChosen = selected.count
        dockerRootBytes = bytes
    }

    mutating func visitDockerEntry(_ found: DockerEntryFound) throws {
        guard let first = found.sameAs else { return }
        guard let descriptor = dockerDescriptors[first] else { return }
        var node = ImageGraphNode(path: found.path, depth: 0, descriptor: descriptor, kind: .manifest)
        node.tags = found.entry.repoTags
        node.sameAs = first
        nodes.append(node)
    }

    mutating func visitDockerConfig(_ found: DockerConfigFound) throws {
        let read = found.read
        switch read.failure {
        case .absent?:
            throw ManifoldError(.absent, "config \(read.path) is not in \(source.location)")
        case .unreadable(let error)?:
            throw error
        case .mismatch(let named, let actual)?:
            throw ManifoldError(.digestMismatch, "config \(read.path): its name says \(named), its content is \(actual)")
        case .undecodable(let error)?:
            guard let error = error as? ManifoldError else { throw error }
            throw ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidDocument, "config: \(error.message)")
        case nil:
            guard let value = read.config, let bytes = read.bytes, let digest = read.digest else {
                throw ManifoldError(.internalFailure, "config \(read.path) was not read")
            }
            dockerConfig = (read, Document(bytes: bytes, digest: digest, value: value))
        }
        if let mismatch = found.diffIDMismatch {
            throw ManifoldError(.invalidDocument, "\(read.path): \(mismatch)")
        }
        dockerLayers = []
    }

    mutating func visitDockerLayer(_ found: DockerLayerFound) throws {
        guard let file = try found.located.get() else {
            throw ManifoldError(.absent, "layer \(found.file) is not in \(source.location)")
        }
        dockerLayers.append((found.file, file))
    }

    /// The image's manifest, as the save implies it (``DockerSaveSynthesis``).
    mutating func visitDockerImageEnd(_ found: DockerEntryFound) throws {
        guard let (read, config) = dockerConfig else { return }
        let document = try DockerSaveSynthesis.manifest(config: config, layers: dockerLayers)
        let descriptor = Descriptor(mediaType: MediaType.ociManifest, digest: document.digest, size: Int64(document.bytes.count),
                                    platform: config.value.platform)
        // Without a tag, every image it holds: the same rule as for an index.json of several.
        let origin = dockerChosen > 1 ? found.entry.repoTags.first.map { "\(reference.path):\($0)" } : nil
        let image = PlatformManifest(
            descriptor: descriptor, document: document, configDocument: config,
            platform: config.value.platform, synthesized: true, layerFiles: dockerLayers.map(\.file), configFile: read.file,
            origin: origin ?? reference.description, source: source)
        dockerDescriptors[found.path] = descriptor
        manifests.append(image)
        var node = ImageGraphNode(path: found.path, depth: 0, descriptor: descriptor, kind: .manifest)
        node.tags = found.entry.repoTags
        node.image = image
        nodes.append(node)
        images = manifests.count
        if manifests.count == 1 {
            top = (descriptor, image.bytes, false)
        } else {
            top = (nil, dockerRootBytes, true)
        }
        dockerConfig = nil
        dockerLayers = []
    }

    // MARK: helpers

    /// The document, or the error that refuses the image, naming `what`.
    private func require<Value>(_ outcome: DocumentOutcome<Value>, _ descriptor: Descriptor, what: String) throws -> Document<Value> {
        switch outcome {
        case .decoded(let document):
            return document
        case .tooDeep:
            throw ManifoldError(.invalidDocument, ImageGraphRules.depthExceeded(limit: limits.indexDepth))
        case .undecodable(let error):
            guard let error = error as? ManifoldError else { throw error }
            throw ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidDocument,
                                "\(what) \(descriptor.digest.abbreviated)…: \(error.message)")
        case .unread(let unread):
            throw DocumentReader.error(unread, descriptor, what: what, location: source.location)
        }
    }
}
