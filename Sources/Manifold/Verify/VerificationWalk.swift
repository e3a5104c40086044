/// Walks an image from its roots, checking every document as it goes (they are small and
/// must be trusted before their children can be found) and planning one measurement per
/// distinct layer blob for the scheduler.
///
/// Principle: bytes are hashed as read and decoded only once they match their descriptor.
final class VerificationWalk {
    let source: any ContentProvider
    let options: VerifyOptions

    private(set) var results: [DescriptorResult] = []
    private(set) var measurements: [PlannedMeasurement] = []
    private(set) var references: [LayerReference] = []
    private(set) var platforms: [Platform] = []
    private(set) var notes: [String] = []
    /// Bytes of documents read during the walk, and how many distinct ones.
    var documentBytes: UInt64 { documents.bytesRead + extraDocumentBytes }
    var documentCount: Int { documents.documentsRead + extraDocumentCount }
    private var extraDocumentBytes: UInt64 = 0
    private var extraDocumentCount = 0
    /// Every `blobs/…` path referenced, for the unreferenced-blob note.
    private(set) var referencedPaths: Set<String> = []

    /// The image as the user named it: a tag or digest selects index.json entries.
    var reference = LocalImageReference(path: "")
    /// Distinct index.json entries, and distinct docker-save images, walked: the report's image
    /// count. `availableTags` lists every tag, for the error when a tag names nothing.
    private(set) var indexImages: Set<Digest> = []
    var dockerImages = 0
    private(set) var availableTags: [String] = []

    private var measurementIndex: [MeasurementKey: Int] = [:]
    private var documents: DocumentReader
    private(set) var skippedPlatforms: [String] = []
    /// Indexes and manifests already walked: one met again is reported as a reference to its
    /// first place, never walked again, so work grows with distinct documents, not paths.
    private var walked: [WalkedKey: WalkedDocument] = [:]
    private var budget: DescriptorBudget
    /// docker-save configs decoded, by path: many images may share one.
    var dockerConfigs: [String: (digest: Digest?, config: ImageConfig?, problems: [Problem])] = [:]
    /// Set once --max-descriptors is reached: nothing more is visited.
    private(set) var stopped = false

    init(source: any ContentProvider, options: VerifyOptions) {
        self.source = source
        self.options = options
        self.documents = DocumentReader(source: source, limits: options.limits)
        self.budget = DescriptorBudget(limit: options.limits.descriptors)
    }

    // MARK: roots

    /// Walks `index.json`. Throws when the root itself cannot be used (missing, malformed).
    func walkIndexJSON() throws {
        guard let bytes = try source.root(.index, limit: options.limits.documentSize) else {
            throw ManifoldError(.invalidLayout, "\(source.location): no index.json")
        }
        let index: ImageIndex
        do {
            index = try ImageIndex(json: try JSONParser.parse(bytes), declaredMediaType: nil)
        } catch let error as ManifoldError {
            throw ManifoldError(error.code == .unsupportedFormat ? .unsupportedFormat : .invalidLayout, "index.json: \(error.message)")
        }
        if let own = index.mediaType, own != MediaType.ociIndex {
            notes.append("index.json declares mediaType \(own), not \(MediaType.ociIndex)")
        }
        results.append(DescriptorResult(path: ["index.json"], kind: .index, mediaType: index.mediaType))
        availableTags += index.manifests.flatMap { LocalImageReference.shownTags(of: $0) }
        visitEntries(of: index, path: ["index.json"], depth: 1, root: true)
    }

    func finish() {
        if !skippedPlatforms.isEmpty {
            // Each platform once, however many entries (or repeats of one) it had.
            var seen = Set<String>()
            let names = skippedPlatforms.filter { seen.insert($0).inserted }
            notes.append("skipped by --platform: \(names.joined(separator: ", "))")
        }
    }

    // MARK: descriptors

    /// `root`: the entries are index.json's, the images the user may name by tag or digest.
    private func visitEntries(of index: ImageIndex, path: [String], depth: Int, root: Bool = false) {
        for (i, entry) in index.manifests.enumerated() {
            if root {
                guard reference.selects(entry) else { continue }
                indexImages.insert(entry.digest)
            }
            let label = ImageGraphRules.entryLabel(entry, at: i)
            guard admit(path + [label]) else { return }
            if let platform = entry.platform, MediaType.isManifest(entry.mediaType),
               !ImageGraphRules.keeps(platform, wanted: options.platforms)
            {
                skippedPlatforms.append(platform.description)
                continue
            }
            let first = results.count
            visit(entry, path: path + [label], depth: depth, entryPlatform: entry.platform)
            if root, first < results.count, results[first].path == path + [label] {
                results[first].tags = LocalImageReference.shownTags(of: entry)
            }
        }
    }

    private func visit(_ descriptor: Descriptor, path: [String], depth: Int, entryPlatform: Platform?) {
        let type = descriptor.mediaType
        let key = WalkedKey(digest: descriptor.digest, mediaType: type)
        if MediaType.isIndex(type) || MediaType.isManifest(type) {
            if let first = walked[key] {
                revisit(descriptor, path: path, first: first, entryPlatform: entryPlatform)
                return
            }
            walked[key] = WalkedDocument(path: path, result: results.count)
        }
        if MediaType.isIndex(type) {
            visitIndex(descriptor, path: path, depth: depth)
            markDecoded(key)
        } else if MediaType.isManifest(type) {
            visitManifest(descriptor, path: path, entryPlatform: entryPlatform)
            markDecoded(key)
        } else if MediaType.isSchema1(type) {
            var result = newResult(descriptor, path: path, kind: .manifest, platform: entryPlatform)
            result.fail(Problem(.unsupported, message: "Docker schema 1 manifests are not supported (\(type))"))
            results.append(result)
        } else {
            // Not an error (image-spec): report it, check its bytes, do not descend.
            var result = newResult(descriptor, path: path, kind: .blob, platform: entryPlatform)
            result.notes.append("media type \(type) is not an index or manifest: checked by digest and size only")
            planBlob(descriptor, result: result, decompression: .skip, diffID: nil)
        }
    }

    /// The problem when an index entry lists an image whose config claims another platform
    /// (``Platform/describes(config:)``), or nil.
    static func platformProblem(entry: Platform?, config: Platform?) -> Problem? {
        guard let entry, let config, let mismatch = ImageGraphRules.platformMismatch(entry: entry, config: config) else { return nil }
        return Problem(.platform, expected: entry.description, actual: config.description, message: mismatch)
    }

    /// An index or manifest met again. Its own descriptor is checked against the bytes read the
    /// first time (from the cache) and its entry's platform against the config; its children
    /// are reported once, at `first.path`.
    private func revisit(_ descriptor: Descriptor, path: [String], first: WalkedDocument, entryPlatform: Platform?) {
        if first.skipped { return }  // its config's platform is not one asked for
        let kind: DescriptorResult.Kind = MediaType.isIndex(descriptor.mediaType) ? .index : .manifest
        var result = newResult(descriptor, path: path, kind: kind, platform: entryPlatform ?? first.configPlatform)
        result.sameAs = first.path
        if first.decoded {
            _ = readDocument(descriptor, into: &result)
            if let problem = Self.platformProblem(entry: entryPlatform, config: first.configPlatform) { result.fail(problem) }
        } else if results.indices.contains(first.result) {
            // It failed (or was not verifiable) where it first appeared: the same verdict, not read again.
            let earlier = results[first.result]
            result.status = earlier.status
            result.reason = earlier.reason
            if earlier.status == .failed {
                result.problems = [Problem(.document, message: "the same document failed at \(first.path.joined(separator: " › "))")]
            }
        }
        results.append(result)
    }

    private func markDecoded(_ key: WalkedKey) {
        guard let first = walked[key], results.indices.contains(first.result), results[first.result].path == first.path else { return }
        walked[key]?.decoded = results[first.result].status == .verified
    }

    /// Counts one more descriptor against the --max-descriptors limit. The first one past it
    /// fails where it is and stops the walk, so no graph can make the work outgrow the limit.
    func admit(_ path: [String]) -> Bool {
        guard !stopped else { return false }
        guard !budget.spend() else { return true }
        stopped = true
        var result = DescriptorResult(path: path, kind: .blob)
        result.fail(Problem(.limit, expected: "≤ \(budget.limit)", message: "\(budget.exceeded); the rest is not walked"))
        results.append(result)
        return false
    }

    private func visitIndex(_ descriptor: Descriptor, path: [String], depth: Int) {
        var result = newResult(descriptor, path: path, kind: .index, platform: nil)
        guard ImageGraphRules.allowsIndex(atDepth: depth, limit: options.limits.indexDepth) else {
            result.fail(Problem(.document, message: ImageGraphRules.depthExceeded(limit: options.limits.indexDepth)))
            results.append(result)
            return
        }
        guard let bytes = readDocument(descriptor, into: &result) else { results.append(result); return }
        let index: ImageIndex
        do {
            index = try ImageIndex(json: try JSONParser.parse(bytes), declaredMediaType: descriptor.mediaType)
        } catch {
            result.fail(documentProblem(error))
            results.append(result)
            return
        }
        results.append(result)
        visitEntries(of: index, path: path, depth: depth + 1)
    }

    private func visitManifest(_ descriptor: Descriptor, path: [String], entryPlatform: Platform?) {
        var result = newResult(descriptor, path: path, kind: .manifest, platform: entryPlatform)
        guard let bytes = readDocument(descriptor, into: &result) else { results.append(result); return }
        let manifest: ImageManifest
        do {
            manifest = try ImageManifest(json: try JSONParser.parse(bytes), declaredMediaType: descriptor.mediaType)
        } catch {
            result.fail(documentProblem(error))
            results.append(result)
            return
        }
        result.notes += manifest.portabilityNotes
        let manifestIndex = results.count
        results.append(result)

        // The config: read now, since the layers' diff_ids are in it.
        guard admit(path + ["config"]) else { return }
        var configResult = newResult(manifest.config, path: path + ["config"], kind: .config, platform: entryPlatform)
        var config: ImageConfig?
        if MediaType.isImageConfig(manifest.config.mediaType) {
            if let bytes = readDocument(manifest.config, into: &configResult) {
                switch documents.decodeConfig(manifest.config, bytes: bytes) {
                case .success(let decoded): config = decoded
                case .failure(let error): configResult.fail(documentProblem(error))
                }
            }
        } else {
            configResult.notes.append("config media type \(manifest.config.mediaType) is not an image config: checked by digest and size only")
        }

        // The platform filter, for manifests whose index entry named no platform.
        let platform = entryPlatform ?? config?.platform
        let key = WalkedKey(digest: descriptor.digest, mediaType: descriptor.mediaType)
        walked[key]?.configPlatform = config?.platform
        if entryPlatform == nil, let platform, !ImageGraphRules.keeps(platform, wanted: options.platforms) {
            results.removeLast(results.count - manifestIndex)
            skippedPlatforms.append(platform.description)
            walked[key]?.skipped = true
            return
        }
        if let platform, !platforms.contains(platform) { platforms.append(platform) }
        results[manifestIndex].platform = platform
        configResult.platform = platform

        if let config {
            if let problem = Self.platformProblem(entry: entryPlatform, config: config.platform) { configResult.fail(problem) }
            if let mismatch = ImageGraphRules.diffIDCountMismatch(config, layers: manifest.layers.count) {
                configResult.fail(Problem(.diffIDCount, expected: "\(manifest.layers.count)", actual: "\(config.diffIDs.count)", message: mismatch))
            }
        }
        if MediaType.isImageConfig(manifest.config.mediaType) {
            results.append(configResult)
        } else {
            planBlob(manifest.config, result: configResult, decompression: .skip, diffID: nil)
        }

        let diffIDs = ImageGraphRules.layerDiffIDs(config, layers: manifest.layers.count)
        for (i, layer) in manifest.layers.enumerated() {
            guard admit(path + ["layers[\(i)]"]) else { return }
            visitLayer(layer, path: path + ["layers[\(i)]"], platform: platform, diffID: diffIDs?[i])
        }
    }

    private func visitLayer(_ layer: Descriptor, path: [String], platform: Platform?, diffID: Digest?) {
        var result = newResult(layer, path: path, kind: .layer, platform: platform)
        let compression = MediaType.layerCompression(layer.mediaType)
        if compression == nil {
            result.notes.append("media type \(layer.mediaType) is not a layer type: checked by digest and size only")
        }
        let decompression: BlobCheck.Decompression = options.shallow ? .skip : compression.map { .declared($0) } ?? .skip
        planBlob(layer, result: result, decompression: decompression, diffID: compression == nil ? nil : diffID)
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
            file = try source.blob(descriptor)
            referencedPaths.insert(descriptor.digest.layoutPath)
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
            measurements.append(PlannedMeasurement(file: file, check: check))
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

    /// A document's bytes, when they are exactly what the descriptor names; otherwise the
    /// verdict goes on `result`.
    private func readDocument(_ descriptor: Descriptor, into result: inout DescriptorResult) -> [UInt8]? {
        referencedPaths.insert(descriptor.digest.layoutPath)
        switch documents.read(descriptor) {
        case .read(let bytes):
            if descriptor.data != nil { result.notes.append("embedded data matches") }
            return bytes
        case .absent:
            markAbsent(descriptor, into: &result)
        case .unverifiable:
            result.status = .unverified
            result.reason = .unsupportedAlgorithm
            result.notes.append("digest algorithm \(descriptor.digest.algorithm) cannot be computed; not descended")
        case .failed(let problems):
            for problem in problems { result.fail(problem) }
        }
        return nil
    }

    /// Checks a descriptor's embedded `data` against what it names.
    private func checkData(_ descriptor: Descriptor, into result: inout DescriptorResult) {
        var problems: [Problem] = []
        _ = documents.embeddedData(descriptor, problems: &problems)
        for problem in problems { result.fail(problem) }
    }

    // MARK: helpers

    func newResult(_ descriptor: Descriptor, path: [String], kind: DescriptorResult.Kind, platform: Platform?) -> DescriptorResult {
        DescriptorResult(path: path, kind: kind, mediaType: descriptor.mediaType, digest: descriptor.digest,
                         size: descriptor.size, platform: platform)
    }

    func append(_ result: DescriptorResult) { results.append(result) }
    func dropResults(from index: Int) { results.removeLast(results.count - index) }
    func setPlatform(_ platform: Platform, of index: Int) { results[index].platform = platform }
    func setRepeat(of path: [String], tags: [String], at index: Int) { results[index].sameAs = path; results[index].tags = tags }
    func noteTags(_ tags: [String]) { availableTags += tags }
    func setTags(_ tags: [String], of index: Int) { if results.indices.contains(index) { results[index].tags = tags } }
    func addPlatform(_ platform: Platform) { if !platforms.contains(platform) { platforms.append(platform) } }
    func skipPlatform(_ platform: Platform) { skippedPlatforms.append(platform.description) }
    func countDocument(_ bytes: Int) { extraDocumentBytes += UInt64(bytes); extraDocumentCount += 1 }
    /// A `manifest.json` path (Docker 25+ names `blobs/sha256/…` there) is a reference too.
    func noteReferenced(_ path: String) {
        if let components = try? safeComponents(path) { referencedPaths.insert(components.joined(separator: "/")) }
    }


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

/// An index or manifest, by what it is read as.
struct WalkedKey: Hashable {
    let digest: Digest
    let mediaType: String
}

/// Where a document was first walked, and what later listings of it need to know.
struct WalkedDocument {
    let path: [String]
    /// Its result's position in the results.
    let result: Int
    /// Read and decoded without a problem: later listings are checked against its bytes.
    var decoded = false
    /// For a manifest, the platform its config claims.
    var configPlatform: Platform?
    /// Left out by --platform (its config's platform): so are later listings.
    var skipped = false
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
