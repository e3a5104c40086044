/// Verify's visitor of the image graph (``ImageWalker``): records a ``DescriptorResult`` for
/// every descriptor met — a problem fails it, and the walk goes on — and plans one
/// measurement per distinct blob for the scheduler (blobs are never read during the walk).
///
/// Principle: bytes are hashed as read and decoded only once they match their descriptor.
final class VerificationWalk: ImageGraphVisitor {
    let source: any ContentProvider
    let options: VerifyOptions

    private(set) var results: [DescriptorResult] = []
    private(set) var measurements: [PlannedMeasurement] = []
    private(set) var references: [LayerReference] = []
    private(set) var platforms: [Platform] = []
    private(set) var notes: [String] = []
    /// Every `blobs/…` path referenced, for the unreferenced-blob note.
    private(set) var referencedPaths: Set<String> = []

    /// Distinct index.json entries, and distinct docker-save images, walked: the report's image
    /// count. `availableTags` lists every tag, for the error when a tag names nothing.
    private(set) var indexImages: Set<Digest> = []
    private(set) var dockerImages = 0
    private(set) var availableTags: [String] = []
    /// Artifact manifests met (first listings), for the signature check after the walk.
    var artifacts: [ArtifactRecord] = []
    /// Set by a copy (pull): what it needs of the walk besides the results.
    var copyPlan: CopyPlan?

    private var measurementIndex: [MeasurementKey: Int] = [:]
    /// Blobs located, by digest, in a local container (whose blobs are files found by
    /// digest alone): a layer that many images share is located once, not once per image.
    /// Kept with the size its descriptor declared: a provider may choose by it (pull's
    /// overlay takes a blob from the layout only when the sizes agree).
    private var located: [Digest: (declared: Int64, file: StoredFile)] = [:]
    private(set) var skippedPlatforms: [String] = []
    /// Where the result of each index and manifest is, by path: a repeat of one that failed
    /// gets the same verdict.
    private var resultAt: [[String]: Int] = [:]
    /// The result of the manifest (or docker-save entry) whose config comes next: dropped
    /// with it when its config's platform is not one asked for.
    private var openImage = 0
    /// Tags a Docker 25+ save's two roots give different images: reported after both walks.
    private var disagreements: [DockerSaveAgreement.Disagreement] = []

    /// Where planned measurements go as they are found, so measuring overlaps the walk
    /// (nil: the caller measures ``measurements`` afterwards).
    private let scheduler: MeasurementScheduler?

    init(source: any ContentProvider, options: VerifyOptions, scheduler: MeasurementScheduler? = nil) {
        self.source = source
        self.options = options
        self.scheduler = scheduler
    }

    /// Docker 25+ and the containerd store put an OCI layout beside manifest.json: both are
    /// walked, and blobs they share are read once.
    var walksEveryRoot: Bool { true }

    /// `stopped`: the walk stopped at --max-descriptors (then the roots' agreement is not
    /// reported: not every image was reached).
    func finish(stopped: Bool) {
        // Docker 25+: classic `docker load` reads manifest.json, the containerd store
        // index.json; one tag must name one image in both.
        for disagreement in stopped ? [] : disagreements {
            var result = DescriptorResult(path: disagreement.path, kind: .manifest)
            result.fail(Problem(.document, message: disagreement.message))
            results.append(result)
        }
        disagreements = []
        if !skippedPlatforms.isEmpty {
            // Each platform once, however many entries (or repeats of one) it had.
            var seen = Set<String>()
            let names = skippedPlatforms.filter { seen.insert($0).inserted }
            notes.append("skipped by --platform: \(names.joined(separator: ", "))")
        }
    }

    // MARK: roots

    /// `index.json`: when it cannot be used (missing, malformed), neither can the image.
    func visitIndexRoot(_ root: RootReading<ImageIndex>, selected: [Int]) throws {
        let index: ImageIndex
        switch root {
        case .read(_, let value):
            index = value
        case .absent:
            throw ManifoldError(.invalidLayout, "\(source.location): no index.json")
        case .unreadable(let error):
            throw error
        case .undecodable(let error):
            guard let error = error as? ManifoldError else { throw error }
            throw ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidLayout, "index.json: \(error.message)")
        }
        if let own = index.mediaType, own != MediaType.ociIndex {
            notes.append("index.json declares mediaType \(own), not \(MediaType.ociIndex)")
        }
        results.append(DescriptorResult(path: ["index.json"], kind: .index, mediaType: index.mediaType))
        availableTags += index.manifests.flatMap { LocalImageReference.shownTags(of: $0) }
        for position in selected { indexImages.insert(index.manifests[position].digest) }
        copyPlan?.root(index, selected: selected)
    }

    func visitDisagreements(_ disagreements: [DockerSaveAgreement.Disagreement]) throws {
        self.disagreements = disagreements
    }

    /// The pseudo-root the referrers found in blobs/ alone are reported under.
    func visitUnlistedReferrersRoot(path: [String]) throws {
        var result = DescriptorResult(path: path, kind: .blob)
        result.notes.append("manifests whose subject is in this image, listed by no index")
        results.append(result)
    }

    // MARK: descriptors

    func visitIndex(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) throws {
        copyPlan?.index(entry, outcome)
        var result = newResult(entry, kind: .index, platform: nil)
        if case .tooDeep = outcome {
            result.fail(Problem(.document, message: ImageGraphRules.depthExceeded(limit: options.limits.indexDepth)))
        } else {
            record(outcome, of: entry.descriptor, into: &result)
        }
        resultAt[entry.path] = results.count
        results.append(result)
    }

    func visitManifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) throws {
        copyPlan?.manifest(entry, outcome)
        var result = newResult(entry, kind: .manifest, platform: entry.entryPlatform)
        record(outcome, of: entry.descriptor, into: &result)
        if let manifest = outcome.value { result.notes += manifest.portabilityNotes }
        resultAt[entry.path] = results.count
        openImage = results.count
        results.append(result)
    }

    func visitConfig(_ found: ConfigFound) throws {
        copyPlan?.config(found)
        var result = DescriptorResult(path: found.path, kind: .config, mediaType: found.descriptor.mediaType,
                                      digest: found.descriptor.digest, size: found.descriptor.size, platform: found.platform)
        if let outcome = found.outcome {
            record(outcome, of: found.descriptor, into: &result)
        } else {
            result.notes.append("config media type \(found.descriptor.mediaType) is not an image config: checked by digest and size only")
        }
        if let platform = found.platform { addPlatform(platform) }
        results[openImage].platform = found.platform
        if let artifact = found.artifact {
            results[openImage].artifact = artifact
            result.artifact = artifact
            artifacts.append(ArtifactRecord(path: found.manifestEntry.path, result: openImage, digest: found.manifestEntry.descriptor.digest,
                                            manifest: found.manifest.value, artifact: artifact))
        }
        if let config = found.config {
            if let mismatch = found.platformMismatch() {
                result.fail(Self.platformProblem(entry: found.manifestEntry.entryPlatform, config: config.platform, mismatch))
            }
            if let mismatch = found.diffIDMismatch {
                let layers = found.manifest.value.layers.count
                result.fail(Problem(.diffIDCount, expected: "\(layers)", actual: "\(config.diffIDs.count)", message: mismatch))
            }
        }
        if found.outcome != nil {
            results.append(result)
        } else {
            planBlob(found.descriptor, result: result, decompression: .skip, diffID: nil)
        }
    }

    func visitLayer(_ found: LayerFound) throws {
        let layer = found.descriptor
        var result = DescriptorResult(path: found.path, kind: .layer, mediaType: layer.mediaType, digest: layer.digest,
                                      size: layer.size, platform: found.platform)
        let compression = MediaType.layerCompression(layer.mediaType)
        if compression == nil {
            result.notes.append("media type \(layer.mediaType) is not a layer type: checked by digest and size only")
        }
        let decompression: BlobCheck.Decompression = options.shallow ? .skip : compression.map { .declared($0) } ?? .skip
        planBlob(layer, result: result, decompression: decompression, diffID: compression == nil ? nil : found.diffID)
    }

    /// An index or manifest met again. Its own descriptor is checked against the bytes read the
    /// first time (from the cache) and its entry's platform against the config; its children
    /// are reported once, at `first.path`.
    func visitRepeat(_ entry: GraphEntry, first: FirstVisit, reread: DocumentReader.Outcome?) throws {
        if first.state == .skipped {  // its config's platform is not one asked for
            copyPlan?.skip(entry)
            return
        }
        copyPlan?.repeated(entry, first: first)
        let kind: DescriptorResult.Kind = MediaType.isIndex(entry.descriptor.mediaType) ? .index : .manifest
        var result = newResult(entry, kind: kind, platform: entry.entryPlatform ?? first.configPlatform)
        result.sameAs = first.path
        if let reread {
            record(DocumentOutcome<ImageIndex>.unread(reread), of: entry.descriptor, into: &result)
            if let mismatch = first.platformMismatch(of: entry) {
                result.fail(Self.platformProblem(entry: entry.entryPlatform, config: first.configPlatform, mismatch))
            }
        } else if let earlier = resultAt[first.path].map({ results[$0] }), earlier.path == first.path {
            // It failed (or was not verifiable) where it first appeared: the same verdict, not read again.
            result.status = earlier.status
            result.reason = earlier.reason
            if earlier.status == .failed {
                result.problems = [Problem(.document, message: "the same document failed at \(first.path.joined(separator: " › "))")]
            }
        }
        results.append(result)
    }

    func visitSkipped(_ entry: GraphEntry?, platform: Platform, byConfig: Bool) throws {
        copyPlan?.skip(entry, platform: platform)
        // Left out after its manifest (or docker-save entry) was reported: so is that.
        if byConfig { results.removeLast(results.count - openImage) }
        skippedPlatforms.append(platform.description)
    }

    func visitOther(_ entry: GraphEntry) throws {
        var result = newResult(entry, kind: .blob, platform: entry.entryPlatform)
        let type = entry.descriptor.mediaType
        if MediaType.isImageConfig(type) || MediaType.layerCompression(type) != nil || type == MediaType.ociEmpty {
            // A type known to be a config or a layer where an index lists images: the index
            // claims an image that is not one. Content not matching its claims, from a layout
            // or a registry alike (which would not even serve it from /manifests/).
            result.fail(Problem(.mediaType, expected: "an index or manifest", actual: type,
                                message: "media type \(type) is a config or layer type, not an index or manifest, where the index lists images"))
            results.append(result)
            return
        }
        // An unknown type is not an error (image-spec: ignore it): report it, check its
        // bytes, do not descend.
        copyPlan?.entry(entry)
        result.notes.append("media type \(entry.descriptor.mediaType) is not an index or manifest: checked by digest and size only")
        planBlob(entry.descriptor, result: result, decompression: .skip, diffID: nil)
    }

    func visitSchema1(_ entry: GraphEntry) throws {
        var result = newResult(entry, kind: .manifest, platform: entry.entryPlatform)
        result.fail(Problem(.unsupported, message: "Docker schema 1 manifests are not supported (\(entry.descriptor.mediaType))"))
        results.append(result)
    }

    /// The first descriptor past --max-descriptors fails where it is; the rest is not walked.
    func visitLimit(_ reached: LimitReached) throws {
        var result = DescriptorResult(path: reached.path, kind: .blob)
        result.fail(Problem(.limit, expected: "≤ \(reached.limit)", message: "\(reached.message); the rest is not walked"))
        results.append(result)
    }

    /// The problem for an index entry that lists an image whose config claims another
    /// platform (the walk's words for it: `mismatch`).
    private static func platformProblem(entry: Platform?, config: Platform?, _ mismatch: String) -> Problem {
        Problem(.platform, expected: entry?.description, actual: config?.description, message: mismatch)
    }

    // MARK: blobs

    /// Checks what can be checked now and, when the blob is there, plans its measurement.
    private func planBlob(_ descriptor: Descriptor, result: DescriptorResult, decompression: BlobCheck.Decompression, diffID: Digest?) {
        var result = result
        guard descriptor.digest.isVerifiable else {
            result.status = .unverified
            result.reason = .unsupportedAlgorithm
            result.notes.append("digest algorithm \(descriptor.digest.algorithm) cannot be computed")
            results.append(result)
            return
        }
        checkData(descriptor, into: &result)
        let file: StoredFile?
        do {
            if let known = located[descriptor.digest], known.declared == descriptor.size {
                file = known.file
            } else {
                file = try source.blob(descriptor)
                referencedPaths.insert(descriptor.digest.layoutPath)
                if source.kind != nil, let file { located[descriptor.digest] = (descriptor.size, file) }
            }
        } catch {
            result.fail(layoutProblem(error))
            results.append(result)
            return
        }
        guard let file else {
            if descriptor.data != nil, result.status != .failed {
                result.notes.append("blob absent; verified from the descriptor's embedded data")
            } else {
                markAbsent(descriptor, into: &result)
            }
            results.append(result)
            return
        }
        plan(file, result: result, decompression: decompression,
             expectation: BlobExpectation(size: descriptor.size, digest: descriptor.digest, diffID: diffID,
                                          compression: decompressionCompression(decompression)))
    }

    /// Adds a result whose verdict depends on measuring `file`; identical measurements of
    /// the same bytes are shared.
    func plan(_ file: StoredFile, result: DescriptorResult, decompression: BlobCheck.Decompression, expectation: BlobExpectation) {
        let resultIndex = results.count
        results.append(result)
        let decompresses = decompression != .skip
        let uncompressedAlgorithm = expectation.diffID.flatMap { $0.isVerifiable ? $0.algorithm : nil } ?? .sha256
        let digestAlgorithm = expectation.digest.flatMap { $0.isVerifiable ? $0.algorithm : nil } ?? .sha256
        let key = MeasurementKey(identity: file.identity, decompresses: decompresses, digestAlgorithm: digestAlgorithm,
                                 uncompressedAlgorithm: uncompressedAlgorithm)
        let measurement: Int
        if let existing = measurementIndex[key] {
            measurement = existing
        } else {
            measurement = measurements.count
            measurementIndex[key] = measurement
            var check = BlobCheck(digestAlgorithm: digestAlgorithm, decompression: decompression,
                                  uncompressedAlgorithm: uncompressedAlgorithm, gzipBackend: options.gzipBackend,
                                  limits: options.limits.decompression)
            check.chunkSize = BlobReader.defaultChunkSize
            let planned = PlannedMeasurement(file: file, check: check)
            measurements.append(planned)
            scheduler?.submit(planned)  // its index there is `measurement` too: same order
        }
        references.append(LayerReference(result: resultIndex, measurement: measurement, expectation: expectation))
    }

    /// A blob that is not in the image: foreign layers are never fetched; others fail, or are
    /// unverified with --allow-sparse. Only a foreign (non-distributable) media type makes an
    /// absent blob foreign: `urls` on any other descriptor do not excuse its absence.
    func markAbsent(_ descriptor: Descriptor, into result: inout DescriptorResult) {
        if result.status == .failed { return }
        if MediaType.isForeignLayer(descriptor.mediaType) {
            result.status = .unverified
            result.reason = .foreign
            let urls = (descriptor.urls ?? []).prefix(3).map { quoted($0, limit: 60) }.joined(separator: ", ")
            result.notes.append("foreign layer absent from the image; not fetched\(urls.isEmpty ? "" : " (urls: \(urls))")")
        } else if options.allowSparse {
            result.status = .unverified
            result.reason = .absent
            result.notes.append("blob absent from the image (--allow-sparse)")
        } else {
            result.fail(Problem(.absent, expected: descriptor.digest.layoutPath,
                                message: "blob is absent: \(descriptor.digest.layoutPath) is not in the image"))
        }
    }

    // MARK: documents

    /// Puts on `result` the verdict on a document the walk read: nothing when it was read
    /// and decoded, else why not.
    private func record<Value>(_ outcome: DocumentOutcome<Value>, of descriptor: Descriptor, into result: inout DescriptorResult) {
        referencedPaths.insert(descriptor.digest.layoutPath)
        switch outcome {
        case .decoded, .unread(.read):
            if descriptor.data != nil { result.notes.append("embedded data matches") }
        case .undecodable(let error):
            if descriptor.data != nil { result.notes.append("embedded data matches") }
            result.fail(documentProblem(error))
        case .unread(.absent):
            markAbsent(descriptor, into: &result)
        case .unread(.unverifiable):
            result.status = .unverified
            result.reason = .unsupportedAlgorithm
            result.notes.append("digest algorithm \(descriptor.digest.algorithm) cannot be computed; not descended")
        case .unread(.failed(let problems)):
            for problem in problems { result.fail(problem) }
        case .tooDeep:
            break
        }
    }

    /// Checks a descriptor's embedded `data` against what it names.
    private func checkData(_ descriptor: Descriptor, into result: inout DescriptorResult) {
        var problems: [Problem] = []
        _ = DocumentReader.embeddedData(descriptor, problems: &problems)
        for problem in problems { result.fail(problem) }
    }

    // MARK: helpers

    private func newResult(_ entry: GraphEntry, kind: DescriptorResult.Kind, platform: Platform?) -> DescriptorResult {
        var result = DescriptorResult(path: entry.path, kind: kind, mediaType: entry.descriptor.mediaType, digest: entry.descriptor.digest,
                                      size: entry.descriptor.size, platform: platform)
        result.tags = entry.tags
        return result
    }

    func append(_ result: DescriptorResult) { results.append(result) }
    func addPlatform(_ platform: Platform) { if !platforms.contains(platform) { platforms.append(platform) } }
    /// A `manifest.json` path (Docker 25+ names `blobs/sha256/…` there) is a reference too.
    func noteReferenced(_ path: String) {
        if let components = try? safeComponents(path) { referencedPaths.insert(components.joined(separator: "/")) }
    }
    func noteTags(_ tags: [String]) { availableTags += tags }
    func countDockerImage() { dockerImages += 1 }
    func openImage(at index: Int) { openImage = index }
    func setOpenImagePlatform(_ platform: Platform) { results[openImage].platform = platform }

    private func decompressionCompression(_ decompression: BlobCheck.Decompression) -> Compression? {
        if case .declared(let compression) = decompression { return compression }
        return nil
    }
}

/// The problem for an error thrown while decoding a document.
func documentProblem(_ error: any Error) -> Problem {
    guard let error = error as? ManifoldError else { return Problem(.document, message: "\(error)") }
    return Problem(error.code == .unsupportedFormat ? .unsupported : .document, message: error.message)
}

/// The problem for an error thrown while locating or reading a blob.
func layoutProblem(_ error: any Error) -> Problem {
    guard let error = error as? ManifoldError else { return Problem(.unreadable, message: "\(error)") }
    switch error.code {
    case .invalidLayout, .ambiguousArchive: return Problem(.layout, message: error.message)
    case .limitExceeded: return Problem(.document, message: error.message)
    default: return Problem(.unreadable, message: error.message)
    }
}

/// Two references measure the same thing when they read the same bytes the same way.
struct MeasurementKey: Hashable {
    let identity: String
    let decompresses: Bool
    let digestAlgorithm: DigestAlgorithm
    let uncompressedAlgorithm: DigestAlgorithm
}

/// One blob to stream once.
struct PlannedMeasurement {
    let file: StoredFile
    let check: BlobCheck
}

/// A result waiting on a measurement, with what its own descriptor expects.
struct LayerReference {
    let result: Int
    let measurement: Int
    let expectation: BlobExpectation
}
