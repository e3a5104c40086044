import Foundation
import Testing
// Not @testable: the provider below uses only the public API, as a registry client in
// another module would.
import Manifold

/// An image held in memory, as a registry client would hold what it fetched: a dictionary of
/// digest → bytes and an index of the images. Its blobs are streamed in odd-sized chunks,
/// and it checks nothing itself.
private struct MemoryProvider: ContentProvider {
    var index: [UInt8]
    var blobs: [Digest: [UInt8]]
    var location: String { "memory:test" }

    func roots() throws -> [ContentRoot] { [.index] }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        guard root == .index else { return nil }
        guard index.count <= limit else { throw ManifoldError(.limitExceeded, "index.json is above \(limit) bytes") }
        return index
    }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        guard let bytes = blobs[descriptor.digest] else { return nil }
        return StoredFile(path: "memory/\(descriptor.digest)", size: UInt64(bytes.count), identity: descriptor.digest.description) {
            MemoryChunks(bytes: bytes)
        }
    }

    /// Every blob of a layout directory, read into memory.
    static func loading(_ layout: URL) throws -> MemoryProvider {
        let files = layout.appendingPathComponent("blobs/sha256")
        var blobs: [Digest: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: files.path) {
            blobs[try Digest(parsing: "sha256:" + name)] = Array(try Data(contentsOf: files.appendingPathComponent(name)))
        }
        return MemoryProvider(index: Array(try Data(contentsOf: layout.appendingPathComponent("index.json"))), blobs: blobs)
    }
}

/// Listed chunks, as given.
private struct ListedChunks: BlobChunkIterator {
    var chunks: [[UInt8]]

    mutating func next() throws -> [UInt8]? {
        chunks.isEmpty ? nil : chunks.removeFirst()
    }
}

/// Chunks of 7777 bytes: neither a multiple of 64 nor of the reader's chunk size.
private struct MemoryChunks: BlobChunkIterator {
    let bytes: [UInt8]
    var offset = 0

    mutating func next() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + 7777, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

@Suite struct ContentProviderTests {
    static let layouts = ["oci-two-platforms", "oci-nested-index", "zstd-layers", "multi-member-gzip"]

    /// A provider implemented outside the library gets every check verify makes of a file:
    /// the same results, descriptor by descriptor.
    @Test(arguments: layouts)
    func aProviderInAnotherModuleIsVerifiedAsAFileIs(_ name: String) throws {
        let layout = vectorsDirectory.appendingPathComponent("images/\(name)")
        let fromMemory = Verifier().verify(try MemoryProvider.loading(layout))
        let fromFile = Verifier().verify(layout.path)
        #expect(fromMemory.status == .verified, "\(fromMemory.failedResults.map(\.pathString)) \(fromMemory.error?.message ?? "")")
        #expect(fromMemory.kind == nil)
        #expect(fromMemory.platforms == fromFile.platforms)
        #expect(fromMemory.results.map(\.pathString) == fromFile.results.map(\.pathString))
        #expect(fromMemory.results.map(\.status) == fromFile.results.map(\.status))
        #expect(fromMemory.results.map(\.digest) == fromFile.results.map(\.digest))
        #expect(fromMemory.results.filter { $0.kind == .layer }.count >= 1)
    }

    /// The provider vouches for nothing: a layer whose bytes were changed fails where it is
    /// listed, on its digest and its diff_id, and a manifest that is absent fails as absent.
    @Test func whatAProviderHandsOutIsChecked() throws {
        let layout = vectorsDirectory.appendingPathComponent("images/oci-two-platforms")
        var provider = try MemoryProvider.loading(layout)
        let clean = Verifier().verify(provider)
        let layer = try #require(clean.results.first { $0.kind == .layer })
        let digest = try #require(layer.digest)
        var bytes = try #require(provider.blobs[digest])
        bytes[bytes.count / 2] ^= 0x01
        provider.blobs[digest] = bytes
        let report = Verifier().verify(provider)
        #expect(report.status == .failed)
        let failed = try #require(report.failedResults.first { $0.pathString == layer.pathString })
        #expect(failed.problems.contains { $0.kind == .digest })

        let manifest = try #require(clean.results.first { $0.kind == .manifest })
        provider.blobs[try #require(manifest.digest)] = nil
        let absent = Verifier().verify(provider)
        #expect(absent.failedResults.first { $0.pathString == manifest.pathString }?.problems.map(\.kind) == [.absent])
    }

    /// inspect and pack read through the same protocol: the platforms and their manifests'
    /// exact bytes, and a tag chooses among the roots' images.
    @Test func aProviderIsInspected() throws {
        let layout = vectorsDirectory.appendingPathComponent("images/oci-two-platforms")
        let provider = try MemoryProvider.loading(layout)
        let fromMemory = try ResolvedImage.open(provider)
        let fromFile = try ResolvedImage.open(LocalImageReference(path: layout.path))
        #expect(fromMemory.manifests.map(\.platform) == fromFile.manifests.map(\.platform))
        #expect(fromMemory.manifests.map(\.bytes) == fromFile.manifests.map(\.bytes))
        #expect(fromMemory.topBytes == fromFile.topBytes)
        #expect(fromMemory.nodes.map(\.pathString) == fromFile.nodes.map(\.pathString))
        let error = #expect(throws: ManifoldError.self) {
            try ResolvedImage.open(provider, reference: LocalImageReference(path: "memory", tag: "no-such-tag"))
        }
        #expect(error?.message.contains("no-such-tag") == true)
    }

    /// The sha256 of `bytes`, measured through the chunk input a provider's blobs use.
    private func digest(of bytes: [UInt8]) throws -> Digest {
        try #require(try BlobCheck().measure(.chunks(name: "memory") { ListedChunks(chunks: [bytes]) }).digest)
    }

    /// An index of `manifests`, its bytes and its descriptor.
    private func index(_ manifests: String) throws -> (bytes: [UInt8], descriptor: String) {
        let index = "application/vnd.oci.image.index.v1+json"
        let bytes = Array(#"{"schemaVersion":2,"mediaType":"\#(index)","manifests":[\#(manifests)]}"#.utf8)
        return (bytes, #"{"mediaType":"\#(index)","digest":"\#(try digest(of: bytes))","size":\#(bytes.count)}"#)
    }

    /// --max-index-depth is one rule for every walk: an index index.json lists is at depth 1,
    /// so with a limit of 1 verify and inspect both refuse the index below it, and with 2
    /// both read the image.
    @Test func verifyAndInspectCountIndexDepthAlike() throws {
        var provider = try MemoryProvider.loading(vectorsDirectory.appendingPathComponent("images/oci-two-platforms"))
        let inner = try index(String(decoding: provider.index, as: UTF8.self).components(separatedBy: #""manifests":["#)[1].dropLast(2).description)
        let outer = try index(inner.descriptor)
        let root = try index(outer.descriptor)
        for document in [inner.bytes, outer.bytes] { provider.blobs[try digest(of: document)] = document }
        provider.index = root.bytes

        var shallow = ImageLimits()
        shallow.indexDepth = 1
        var options = VerifyOptions()
        options.limits = shallow
        let refused = Verifier(options: options).verify(provider)
        #expect(refused.status == .failed)
        let deep = try #require(refused.failedResults.first)
        #expect(deep.pathString == "index.json › manifests[0] › manifests[0]")
        #expect(deep.problems.map(\.message) == ["indexes nested deeper than 1 levels (the limit)"])
        let error = #expect(throws: ManifoldError.self) { try ResolvedImage.open(provider, limits: shallow) }
        #expect(error?.message.contains("indexes nested deeper than 1 levels (the limit)") == true)

        var enough = ImageLimits()
        enough.indexDepth = 2
        options.limits = enough
        #expect(Verifier(options: options).verify(provider).status == .verified)
        #expect(try ResolvedImage.open(provider, limits: enough).manifests.count == 2)
    }
}
