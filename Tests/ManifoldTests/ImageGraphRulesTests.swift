import Testing
@testable import Manifold
@testable import ManifoldBlob

/// The rules every walk of an image graph applies, each written once.
@Suite struct ImageGraphRulesTests {
    private func config(diffIDs: Int) throws -> ImageConfig {
        let ids = (0..<diffIDs).map { "\"sha256:" + String(repeating: String($0 % 10), count: 64) + "\"" }.joined(separator: ",")
        let text = #"{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[\#(ids)]}}"#
        return try ImageConfig(json: JSONParser.parse(Array(text.utf8)))
    }

    @Test func diffIDsPairWithLayersOneToOne() throws {
        #expect(ImageGraphRules.diffIDCountMismatch(try config(diffIDs: 2), layers: 2) == nil)
        #expect(ImageGraphRules.layerDiffIDs(try config(diffIDs: 2), layers: 2)?.count == 2)
        // The words the reports and the corpus rely on, singular and plural.
        #expect(ImageGraphRules.diffIDCountMismatch(try config(diffIDs: 1), layers: 2) == "config lists 1 diff_id for 2 layers")
        #expect(ImageGraphRules.diffIDCountMismatch(try config(diffIDs: 3), layers: 1) == "config lists 3 diff_ids for 1 layer")
        // No layer's diff_id is trusted when the counts differ, nor without a config.
        #expect(ImageGraphRules.layerDiffIDs(try config(diffIDs: 3), layers: 2) == nil)
        #expect(ImageGraphRules.layerDiffIDs(nil, layers: 2) == nil)
    }

    @Test func platformFilterKeepsWhatAWantedPlatformSelects() throws {
        let arm64 = Platform(os: "linux", architecture: "arm64")
        #expect(ImageGraphRules.keeps(arm64, wanted: []))
        #expect(ImageGraphRules.keeps(arm64, wanted: [try Platform(parsing: "linux/arm64/v8")]))
        #expect(ImageGraphRules.keeps(arm64, wanted: [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/arm64")]))
        #expect(!ImageGraphRules.keeps(arm64, wanted: [try Platform(parsing: "linux/amd64")]))
    }

    @Test func anEntryMustDescribeItsConfigsPlatform() throws {
        let entry = try Platform(parsing: "linux/amd64")
        let config = try Platform(parsing: "linux/amd64/v3")
        #expect(ImageGraphRules.platformMismatch(entry: entry, config: entry) == nil)
        #expect(ImageGraphRules.platformMismatch(entry: nil, config: config) == nil)
        #expect(ImageGraphRules.platformMismatch(entry: entry, config: config)
            == "platform mismatch: the index entry says linux/amd64, the config says linux/amd64/v3")
        #expect(ImageGraphRules.platformMismatch(entry: entry, config: config, naming: "sha256:ab12…")
            == "platform mismatch: the index entry says linux/amd64, config sha256:ab12… says linux/amd64/v3")
    }

    @Test func entriesAreLabelledAsReportsNameThem() throws {
        let digest = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
        let plain = Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: 1)
        var arm = plain
        arm.platform = try Platform(parsing: "linux/arm64/v8")
        #expect(ImageGraphRules.entryLabel(plain, at: 0) == "manifests[0]")
        #expect(ImageGraphRules.entryLabel(arm, at: 1) == "manifests[1] (linux/arm64/v8)")
    }

    @Test func theDescriptorBudgetCountsRepeatsAndStopsPastTheLimit() {
        var budget = DescriptorBudget(limit: 3)
        let first = budget.spend()
        let third = budget.spend(2)
        let fourth = budget.spend()
        #expect(first && third && !fourth)
        #expect(budget.spent == 4)
        #expect(budget.exceeded == "the image has more than 3 descriptors (the --max-descriptors limit)")
    }

    /// Chunks of any size, empty ones included, arrive whole and in order when a document is
    /// read from a provider's chunk stream, and a prefix stops where it should (no regrouping
    /// reader in between any more: `BlobInput.read(upTo:)` appends the chunks as they come).
    @Test(arguments: [[0, 1, 100, 0, 5000, 63], [64, 64, 64], [], [0, 0], [1_000_000]])
    func chunkStreamsArriveWhole(_ sizes: [Int]) throws {
        var bytes: [UInt8] = []
        var chunks: [[UInt8]] = []
        for size in sizes {
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: bytes.count + $0) }
            chunks.append(chunk)
            bytes += chunk
        }
        let all = chunks
        let input = BlobInput.chunks(name: "memory") { ListedChunks(chunks: all) }
        #expect(try input.read(upTo: bytes.count) == bytes)
        #expect(try input.read(upTo: bytes.count + 4096) == bytes)
        for count in [0, 1, 63, 4096] where count <= bytes.count {
            #expect(try input.read(upTo: count) == Array(bytes.prefix(count)))
        }
        let file = StoredFile(path: "memory", size: UInt64(bytes.count), identity: "memory") { ListedChunks(chunks: all) }
        #expect(try file.readAll(limit: bytes.count) == bytes)
    }
}

private struct ListedChunks: BlobChunkIterator {
    var chunks: [[UInt8]]

    mutating func next() throws -> [UInt8]? {
        chunks.isEmpty ? nil : chunks.removeFirst()
    }
}
