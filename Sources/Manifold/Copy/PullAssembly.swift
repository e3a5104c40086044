/// What a pull writes, decided after the report passed: from the chosen roots down, every
/// document as the walk read it (or an index rewritten without the entries `--platform`
/// left out) and every blob as it was staged, each once, put in path order so that an
/// oci-archive's members are sorted as pack sorts them.
struct PullAssembly {
    /// One blob of the output and where its bytes are.
    enum Content {
        case document([UInt8])
        case staged(Int)
        /// In the output already (a layout being added to): listed, not put.
        case alreadyThere
    }

    /// A root of the output: as written, and its tag; `attached`: an image's signature,
    /// attestation or referrer, listed under its own name (cosign's tag) or none.
    struct Root {
        let written: Descriptor
        let tag: String?
        var attached = false
    }

    let plan: CopyPlan
    let staging: BlobStaging
    private var items: [String: (descriptor: Descriptor, content: Content)] = [:]
    private var stagedByDigest: [Digest: Int] = [:]
    private(set) var rewritten: [(from: Descriptor, to: Descriptor)] = []
    /// Whether what the walk followed attached to the images (``CopyPlan/attached``) is
    /// written with them; false: `--remove-signatures`.
    let carriesAttached: Bool
    /// Attached manifests walked but not written: what they sign or refer to is not in the
    /// output (an index `--platform` rewrote, a platform it left out).
    private(set) var leftBehind: [Descriptor] = []

    init(plan: CopyPlan, staging: BlobStaging, carriesAttached: Bool = true) {
        self.plan = plan
        self.staging = staging
        self.carriesAttached = carriesAttached
        for (index, digest) in staging.digests.enumerated() {
            if let digest, stagedByDigest[digest] == nil, staging.isStaged(index) { stagedByDigest[digest] = index }
        }
    }

    var count: Int { items.count }
    var bytes: UInt64 { items.values.map { UInt64(max($0.descriptor.size, 0)) }.saturatingSum() }

    /// The output's roots, every document and blob below them gathered. `tag` names the
    /// only image root (an error when there are several); nil keeps each root's own name.
    /// After the images, what is attached to them (``carriesAttached``), each under the
    /// name the source lists it by: written only when what it names is written too, exactly
    /// (a signature signs one digest; an index `--platform` rewrote has another).
    mutating func collect(tag: String?) throws -> [Root] {
        let dropped = plan.skipped[[ContentRoot.index.name]] ?? []
        var selected = plan.roots.filter { !dropped.contains($0.position) }
        // A source named without a tag or digest selects every entry, its signatures among
        // them: left behind too when they are not all it holds.
        if !carriesAttached, selected.contains(where: { !AttachedArtifacts.isArtifactEntry($0.descriptor) }) {
            selected.removeAll { AttachedArtifacts.isArtifactEntry($0.descriptor) }
        }
        var roots: [Root] = []
        for root in selected {
            guard let written = try collect(root.descriptor, path: root.path) else { continue }
            roots.append(Root(written: written, tag: tag))
        }
        if tag != nil && roots.count > 1 {
            throw ManifoldError(.invalidArgument, "the source holds \(roots.count) images; name one (SOURCE:TAG or SOURCE@DIGEST) to give it a tag, or give none to keep their names")
        }
        guard carriesAttached else { return roots }
        // Decided before any is gathered: an artifact's own documents do not make another's
        // subject present. One attached to another that is kept (a signature of an
        // attestation) is kept after it.
        var present = Set(items.keys)
        var pending = plan.attached.filter { !dropped.contains($0.position) }
        var kept: [(descriptor: Descriptor, path: [String])] = []
        var progressed = true
        while progressed {
            progressed = false
            pending.removeAll { entry in
                let manifest = plan.documents[entry.descriptor.digest]?.manifest
                let found = if let target = AttachedArtifacts.target(of: entry.descriptor, manifest: manifest) {
                    present.contains(target.layoutPath)
                } else {
                    // cosign save's, attached to the saved image as it was.
                    rewritten.isEmpty
                }
                guard found else { return false }
                kept.append((entry.descriptor, entry.path))
                present.insert(entry.descriptor.digest.layoutPath)
                progressed = true
                return true
            }
        }
        leftBehind += pending.map(\.descriptor)
        for entry in kept {
            guard let written = try collect(entry.descriptor, path: entry.path) else { continue }
            roots.append(Root(written: written, tag: nil, attached: true))
        }
        return roots
    }

    /// Gathers `descriptor`, walked at `path`, and what it lists; returns it as written (an
    /// index rewritten), or nil when `--platform` left out everything it lists.
    private mutating func collect(_ descriptor: Descriptor, path: [String]) throws -> Descriptor? {
        if let index = try plan.writtenIndex(descriptor, walkedAt: path, writingChildren: { try collect($0, path: $1) }) {
            switch index {
            case .empty:
                return nil
            case .unchanged(let bytes):
                add(descriptor, .document(bytes))
                return descriptor
            case .rewritten(let written, let bytes):
                add(written, .document(bytes))
                rewritten.append((descriptor, written))
                return written
            }
        }
        if let kept = plan.documents[descriptor.digest], let manifest = kept.manifest {
            add(descriptor, .document(kept.bytes))
            try collectBlob(manifest.config)
            for layer in manifest.layers { try collectBlob(layer) }
            return descriptor
        }
        try collectBlob(descriptor)
        return descriptor
    }

    /// A config or layer: a document the walk read, or a staged blob; an absent foreign
    /// layer (the report passed, so it may be absent) is listed and not copied.
    private mutating func collectBlob(_ descriptor: Descriptor) throws {
        if let kept = plan.documents[descriptor.digest] {
            add(descriptor, .document(kept.bytes))
        } else if let index = stagedByDigest[descriptor.digest] {
            add(descriptor, .staged(index))
        } else if staging.isAlreadyThere(descriptor.digest) {
            add(descriptor, .alreadyThere)
        } else if descriptor.data != nil || MediaType.isForeignLayer(descriptor.mediaType) {
            return
        } else {
            throw ManifoldError(.internalFailure, "blob \(descriptor.digest.abbreviated)… was verified but not staged")
        }
    }

    private mutating func add(_ descriptor: Descriptor, _ content: Content) {
        let path = descriptor.digest.layoutPath
        if items[path] == nil { items[path] = (descriptor, content) }
    }

    /// The index's exact JSON with only the kept entries, in their order, each one's digest
    /// and size replaced when it was itself rewritten; every other member kept as it was.
    static func rewrite(_ bytes: [UInt8], keeping entries: [(position: Int, descriptor: Descriptor)]) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser.parse(bytes),
              let at = object.members.firstIndex(where: { $0.key == "manifests" }),
              case .array(let listed) = object.members[at].value
        else {
            throw ManifoldError(.internalFailure, "an index to rewrite has no manifests array")
        }
        var kept: [JSONValue] = []
        for entry in entries {
            guard case .object(var member) = listed[entry.position] else { continue }
            for i in member.members.indices {
                switch member.members[i].key {
                case "digest": member.members[i].value = .string(entry.descriptor.digest.description)
                case "size": member.members[i].value = .number(String(entry.descriptor.size))
                default: break
                }
            }
            member.members.removeAll { $0.key == "data" && entry.descriptor.data == nil }
            kept.append(.object(member))
        }
        object.members[at].value = .array(kept)
        return JSONWriter(sortKeys: false).bytes(.object(object))
    }

    /// Puts everything into `sink` in path order, names the roots and commits. A staged blob
    /// goes into a directory by hard link when it can (`link`), else it is copied.
    /// Returns how many blobs were linked.
    func write(into sink: OCILayoutSink, link: Bool, roots: [Root], cancellation: CancellationFlag?) throws -> Int {
        var linked = 0
        for path in items.keys.sorted() {
            guard let item = items[path] else { continue }
            if cancellation?.isCancelled == true { throw CancellationError() }
            switch item.content {
            case .document(let bytes):
                try sink.putDocument(item.descriptor, bytes: bytes)
            case .alreadyThere:
                continue
            case .staged(let index):
                let file = try staging.staged(index)
                if link, try sink.link(item.descriptor, to: file) != nil {
                    linked += 1
                    continue
                }
                try sink.putBlob(item.descriptor) { emit in try Self.copy(file, cancellation: cancellation, into: emit) }
            }
        }
        for root in roots { try sink.setTag(root.tag, for: root.written) }
        try sink.commit()
        return linked
    }

    /// Lays the output out in `tar` exactly as ``write(into:link:roots:cancellation:)`` puts
    /// it, every member and the roots, but with each staged blob's body left as a hole for
    /// its measurement to fill (``TarPlacement``). Returns, by planned blob, where its body goes.
    func place(into sink: OCILayoutSink, tar: TarSink, roots: [Root]) throws -> [Int: TarPlacement.Region] {
        var regions: [Int: TarPlacement.Region] = [:]
        for path in items.keys.sorted() {
            guard let item = items[path] else { continue }
            switch item.content {
            case .document(let bytes):
                try sink.putDocument(item.descriptor, bytes: bytes)
            case .alreadyThere:
                continue
            case .staged(let index):
                if let offset = try sink.reserveBlob(item.descriptor, in: tar) {
                    regions[index] = TarPlacement.Region(offset: offset, size: UInt64(max(item.descriptor.size, 0)))
                }
            }
        }
        for root in roots { try sink.setTag(root.tag, for: root.written) }
        try sink.writeRoots()
        try tar.end()
        return regions
    }

    /// Copies a staged file as it is: it was hashed as it was written.
    private static func copy(_ file: StoredFile, cancellation: CancellationFlag?, into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let open = file.wholeFile else { throw ManifoldError(.internalFailure, "\(file.path): not a staged file") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlobReader.defaultChunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var offset: UInt64 = 0
        while offset < file.size {
            if cancellation?.isCancelled == true { throw CancellationError() }
            let count = try open.read(into: buffer, at: offset)
            guard count > 0 else { throw ManifoldError(.unreadable, "\(file.path): staged file ends early") }
            try emit(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += UInt64(count)
        }
    }
}
