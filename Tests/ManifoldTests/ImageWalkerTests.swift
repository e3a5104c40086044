import Testing
@testable import Manifold

/// The one walk over an image graph, seen through a visitor that records what it is told:
/// the order of visits, each document once, every rule applied by the walker.
@Suite struct ImageWalkerTests {
    /// Documents held in memory by digest; what is not held is absent.
    private struct MemoryGraph: ContentProvider {
        var index: [UInt8]
        var documents: [Digest: [UInt8]] = [:]
        var location: String { "memory:walk" }

        func roots() throws -> [ContentRoot] { [.index] }
        func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? { root == .index ? index : nil }
        func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? { documents[descriptor.digest] }
        func blob(_ descriptor: Descriptor) throws -> StoredFile? { nil }
    }

    /// Records each visit as a line: what it was, where, and its outcome.
    private struct RecordingVisitor: ImageGraphVisitor {
        var visits: [String] = []
        /// Refuse the image at the first absent manifest, as inspect and pack do.
        var throwsOnAbsent = false
        var walksEveryRoot = false

        private static func name<Value>(_ outcome: DocumentOutcome<Value>) -> String {
            switch outcome {
            case .decoded: "decoded"
            case .unread(.absent): "absent"
            case .unread: "unread"
            case .undecodable: "undecodable"
            case .tooDeep: "too deep"
            }
        }

        mutating func visitIndexRoot(_ root: RootReading<ImageIndex>, selected: [Int]) throws {
            visits.append("root index.json selects \(selected)")
        }
        mutating func visitDockerRoot(_ root: RootReading<[DockerArchiveManifest]>, selected: [Int]) throws {
            visits.append("root manifest.json selects \(selected)")
        }
        mutating func visitDisagreements(_ disagreements: [DockerSaveAgreement.Disagreement]) throws {
            visits.append("disagreements \(disagreements.count)")
        }
        mutating func visitIndex(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) throws {
            visits.append("index \(entry.path.joined(separator: " › ")) \(Self.name(outcome))")
        }
        mutating func visitManifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) throws {
            visits.append("manifest \(entry.path.joined(separator: " › ")) \(Self.name(outcome))")
            if throwsOnAbsent, outcome.isAbsent { throw ManifoldError(.absent, "absent") }
        }
        mutating func visitConfig(_ found: ConfigFound) throws {
            visits.append("config \(found.path.joined(separator: " › ")) \(found.platform.map { "\($0)" } ?? "-")"
                + (found.diffIDMismatch.map { " \($0)" } ?? ""))
        }
        mutating func visitLayer(_ found: LayerFound) throws {
            visits.append("layer \(found.path.joined(separator: " › ")) diff_id \(found.diffID != nil)")
        }
        mutating func visitRepeat(_ entry: GraphEntry, first: FirstVisit, reread: DocumentReader.Outcome?) throws {
            visits.append("repeat \(entry.path.joined(separator: " › ")) of \(first.path.joined(separator: " › "))")
        }
        mutating func visitSkipped(_ entry: GraphEntry?, platform: Platform, byConfig: Bool) throws {
            visits.append("skipped \(platform)\(byConfig ? " by its config" : "")")
        }
        mutating func visitOther(_ entry: GraphEntry) throws { visits.append("other \(entry.descriptor.mediaType)") }
        mutating func visitSchema1(_ entry: GraphEntry) throws { visits.append("schema 1") }
        mutating func visitLimit(_ reached: LimitReached) throws {
            visits.append("limit at \(reached.path.joined(separator: " › ")) (of \(reached.owner.joined(separator: " › ")))")
        }
        mutating func visitDockerEntry(_ found: DockerEntryFound) throws {
            visits.append("docker image \(found.path.joined(separator: " › "))" + (found.sameAs.map { " of \($0.joined(separator: " › "))" } ?? ""))
        }
        mutating func visitDockerConfig(_ found: DockerConfigFound) throws {
            visits.append("docker config \(found.read.failure == nil ? "read" : "failed") \(found.platform.map { "\($0)" } ?? "-")")
        }
        mutating func visitDockerLayer(_ found: DockerLayerFound) throws {
            let located = (try? found.located.get()) != nil
            visits.append("docker layer \(found.position) \(located ? "located" : "absent") diff_id \(found.diffID != nil)")
        }
        mutating func visitDockerImageEnd(_ found: DockerEntryFound) throws {
            visits.append("docker end \(found.path.joined(separator: " › "))")
        }
    }

    private static func digest(_ bytes: [UInt8]) throws -> Digest { try DigestHasher.digest(of: bytes) }

    private static func descriptor(_ mediaType: String, _ bytes: [UInt8], platform: String? = nil) throws -> Descriptor {
        Descriptor(mediaType: mediaType, digest: try digest(bytes), size: Int64(bytes.count), platform: try platform.map { try Platform(parsing: $0) })
    }

    /// index.json → A (tagged `latest`) listing: M1 (linux/amd64); B, an index listing M1
    /// again; M2 (linux/arm64); M3 (linux/amd64), absent; and M4, whose entry names no
    /// platform and whose config says linux/arm64.
    private static func graph() throws -> MemoryGraph {
        var documents: [Digest: [UInt8]] = [:]
        func add(_ bytes: [UInt8]) throws { documents[try digest(bytes)] = bytes }
        func config(_ architecture: String) -> [UInt8] {
            let diffID = "sha256:" + String(repeating: "1", count: 64)
            return Array(#"{"architecture":"\#(architecture)","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(diffID)"]}}"#.utf8)
        }
        func manifest(_ config: [UInt8], note: String) throws -> [UInt8] {
            let layer = Descriptor(mediaType: MediaType.ociLayerGzip, digest: try digest(Array(note.utf8)), size: 10)
            let json: JSONValue = .object(JSONObject([
                ("schemaVersion", .number("2")), ("mediaType", .string(MediaType.ociManifest)),
                ("config", try descriptor(MediaType.ociConfig, config).json), ("layers", .array([layer.json])),
            ]))
            return JSONWriter().bytes(json)
        }
        let amd64 = config("amd64"), arm64 = config("arm64")
        try add(amd64)
        try add(arm64)
        let m1 = try manifest(amd64, note: "m1"), m2 = try manifest(arm64, note: "m2")
        let m3 = try manifest(amd64, note: "m3"), m4 = try manifest(arm64, note: "m4")
        try add(m1)
        try add(m2)
        try add(m4)
        let b = JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: [try descriptor(MediaType.ociManifest, m1, platform: "linux/amd64")]).json)
        try add(b)
        let a = JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: [
            try descriptor(MediaType.ociManifest, m1, platform: "linux/amd64"),
            try descriptor(MediaType.ociIndex, b),
            try descriptor(MediaType.ociManifest, m2, platform: "linux/arm64"),
            try descriptor(MediaType.ociManifest, m3, platform: "linux/amd64"),
            try descriptor(MediaType.ociManifest, m4),
        ]).json)
        try add(a)
        var top = try descriptor(MediaType.ociIndex, a)
        top.annotations = ["org.opencontainers.image.ref.name": "latest"]
        let index = JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: [top]).json)
        return MemoryGraph(index: index, documents: documents)
    }

    private static func walk(_ graph: MemoryGraph, platforms: [String] = [], limits: ImageLimits = ImageLimits(),
                             throwsOnAbsent: Bool = false) throws -> (visits: [String], error: (any Error)?) {
        var walker = ImageWalker(source: graph, limits: limits, reference: LocalImageReference(path: graph.location),
                                 platforms: try platforms.map { try Platform(parsing: $0) })
        var visitor = RecordingVisitor(throwsOnAbsent: throwsOnAbsent)
        do {
            try walker.walk(&visitor)
            return (visitor.visits, nil)
        } catch {
            return (visitor.visits, error)
        }
    }

    @Test func eachDocumentIsVisitedOnceInWalkOrderAndEveryRuleIsApplied() throws {
        let (visits, error) = try Self.walk(try Self.graph(), platforms: ["linux/amd64"])
        #expect(error == nil)
        let a = "index.json › manifests[0]"
        #expect(visits == [
            "root index.json selects [0]",
            "index \(a) decoded",
            "manifest \(a) › manifests[0] (linux/amd64) decoded",
            "config \(a) › manifests[0] (linux/amd64) › config linux/amd64",
            "layer \(a) › manifests[0] (linux/amd64) › layers[0] diff_id true",
            "index \(a) › manifests[1] decoded",
            // The nested index lists M1 again: a reference to its first place, not walked again.
            "repeat \(a) › manifests[1] › manifests[0] (linux/amd64) of \(a) › manifests[0] (linux/amd64)",
            // --platform: by the entry's platform, nothing of it read …
            "skipped linux/arm64",
            "manifest \(a) › manifests[3] (linux/amd64) absent",
            // … or, when the entry names none, by its config's, after its manifest was read.
            "manifest \(a) › manifests[4] decoded",
            "skipped linux/arm64 by its config",
        ])
    }

    @Test func aVisitorThatThrowsEndsTheWalkThere() throws {
        let (visits, error) = try Self.walk(try Self.graph(), throwsOnAbsent: true)
        #expect((error as? ManifoldError)?.code == .absent)
        #expect(visits.last == "manifest index.json › manifests[0] › manifests[3] (linux/amd64) absent")
        #expect(visits.contains("config index.json › manifests[0] › manifests[2] (linux/arm64) › config linux/arm64"))
    }

    @Test func theLimitsStopTheWalkOnce() throws {
        // index.json's entry, A's first entry, M1's config: the third descriptor is past 2.
        var limits = ImageLimits()
        limits.descriptors = 2
        let (visits, error) = try Self.walk(try Self.graph(), limits: limits)
        #expect(error == nil)
        #expect(visits.last == "limit at index.json › manifests[0] › manifests[0] (linux/amd64) › config (of index.json › manifests[0] › manifests[0] (linux/amd64))")
        #expect(visits.filter { $0.hasPrefix("limit") }.count == 1)

        // An index below index.json's entry is at depth 2: past a limit of 1, not read.
        var shallow = ImageLimits()
        shallow.indexDepth = 1
        let (deep, _) = try Self.walk(try Self.graph(), limits: shallow)
        #expect(deep.contains("index index.json › manifests[0] › manifests[1] too deep"))
        #expect(!deep.contains { $0.hasPrefix("repeat") })
    }

    @Test func aDigestReadAsAnIndexAndAsAManifestIsTwoDocuments() throws {
        var graph = try Self.graph()
        let index = try ImageIndex(json: JSONParser.parse(graph.index), declaredMediaType: nil)
        var asManifest = index.manifests[0]
        asManifest.mediaType = MediaType.ociManifest
        graph.index = JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: [index.manifests[0], asManifest]).json)
        let (visits, _) = try Self.walk(graph)
        #expect(visits.contains("manifest index.json › manifests[1] undecodable"))
        #expect(!visits.contains { $0.hasPrefix("repeat index.json › manifests[1]") })
    }

    /// A Docker ≤ 24 save: manifest.json is the only root; its image's config is read and
    /// its layers located (not read), paired with the config's diff_ids.
    @Test func aDockerSaveIsWalkedFromManifestJSON() throws {
        let source = try LocalImageReference(path: vectorsDirectory.appendingPathComponent("images/docker-24.tar").path).open(limits: ImageLimits())
        var walker = ImageWalker(source: source, limits: ImageLimits(), reference: LocalImageReference(path: source.location))
        var visitor = RecordingVisitor()
        try walker.walk(&visitor)
        #expect(visitor.visits == [
            "root manifest.json selects [0]",
            "docker image manifest.json › [0] (example/app:24)",
            "docker config read linux/amd64",
            "docker layer 0 located diff_id true",
            "docker layer 1 located diff_id true",
            "docker layer 2 located diff_id true",
            "docker end manifest.json › [0] (example/app:24)",
        ])
    }

    /// A Docker 25+ save holds both roots: their agreement is checked first; manifest.json is
    /// walked too only by a visitor that asks for every root.
    @Test(arguments: [false, true])
    func aDocker25SaveIsWalkedFromItsRoots(everyRoot: Bool) throws {
        let source = try LocalImageReference(path: vectorsDirectory.appendingPathComponent("images/docker-25.tar").path).open(limits: ImageLimits())
        var walker = ImageWalker(source: source, limits: ImageLimits(), reference: LocalImageReference(path: source.location))
        var visitor = RecordingVisitor(walksEveryRoot: everyRoot)
        try walker.walk(&visitor)
        #expect(visitor.visits.first == "disagreements 0")
        #expect(visitor.visits.dropFirst().first == "root index.json selects [0]")
        #expect(visitor.visits.contains("root manifest.json selects [0]") == everyRoot)
    }
}
