import Foundation
import Testing
import Manifold

/// docs/library.md's examples, as a library user writes them (no @testable import), against
/// the fixtures: if the public API changes, the page must change with it.
@Suite struct LibraryExampleTests {
    @Test func verifyInspectAndPack() throws {
        let report = Verifier().verify(fixture("docker-25.tar"))
        var lines: [String] = []
        switch report.status {
        case .verified: lines.append("\(report.image): \(report.platforms.count) platforms verified")
        case .failed:
            for result in report.failedResults {
                lines.append("\(result.path.joined(separator: " › ")) \(result.problems.map(\.message))")
            }
        case .unusable: lines.append(report.error?.message ?? "unusable")
        }
        #expect(lines == ["\(fixture("docker-25.tar")): 1 platforms verified"])

        let image = try ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms")))
        #expect(image.manifests.compactMap { $0.platform?.architecture }.sorted() == ["amd64", "arm64"])

        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("multi.tar").path
        var options = PackOptions(inputs: [try LocalImageReference(parsing: fixture("docker-24.tar")),
                                           try LocalImageReference(parsing: fixture("docker-25.tar"))], output: out)
        options.tag = "1.0"
        let packed = try Packer(options: options).pack()
        #expect(packed.entries.count == 2)
        #expect(Verifier().verify(parsing: out + ":1.0").status == .verified)
    }

    @Test(.requires(.pythonCryptography)) func verifySignatures() throws {
        var options = VerifyOptions()
        options.keys = [try VerificationKey(contentsOf: try SignedLayouts.key("ecdsa-p256"))]
        options.requireSignature = .everyPlatform
        let report = Verifier(options: options).verify(try SignedLayouts.path("every-platform-signed"))
        var lines: [String] = []
        for signature in report.signatures?.signatures ?? [] {
            lines.append("\(signature.pathString) \(signature.status) \(signature.key ?? "") \(signature.problems)")
        }
        #expect(report.status == .verified)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasSuffix(" verified \(options.keys[0].name) []") }, "\(lines)")
        #expect(report.results.filter { $0.artifact?.kind == .signature && $0.kind == .manifest }.count == 3)
        #expect(report.platforms.count == 2)
    }

    /// The async example, on a layer large enough (64 GiB, sparse) that the cancellation
    /// always comes while it is being read; and the async pack, left to finish.
    @Test func verifyInATaskAndCancelIt() async throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let app = try sparseLayerLayout(in: directory, size: readOnlyLayerSize)
        var lines: [String] = []
        let verification = Task { try await Verifier().verify(app) }
        verification.cancel()
        do {
            let report = try await verification.value
            lines.append("\(report.status)")
        } catch is CancellationError {
            lines.append("stopped")
        }
        #expect(lines == ["stopped"])

        let options = PackOptions(inputs: [try LocalImageReference(parsing: fixture("docker-25.tar"))],
                                  output: directory.appendingPathComponent("out.tar").path)
        let packed = try await Packer(options: options).pack()
        #expect(packed.entries.count == 1)
        #expect(try await Verifier().verify(options.output).status == .verified)
    }

    @Test func measureChunksThatDoNotComeFromAFile() throws {
        let content = Array("a layer's tar bytes\n".utf8)
        let stored = gzipCompress(content)
        let chunks = stride(from: 0, to: stored.count, by: 5).map { Array(stored[$0..<min($0 + 5, stored.count)]) }
        let measurer = try BlobMeasurer(BlobCheck(decompression: .declared(.gzip)))
        for chunk in chunks { try chunk.withUnsafeBytes { try measurer.feed($0) } }
        let measurement = try measurer.finish()
        #expect(measurement.size == UInt64(stored.count))
        #expect(measurement.uncompressedDigest == (try sha256(content)))
        #expect(measurement.decompressionError == nil)
    }

    @Test func aProviderOfYourOwnGetsEveryCheck() throws {
        let layout = URL(fileURLWithPath: fixture("oci-two-platforms"))
        var blobs: [Digest: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: layout.appendingPathComponent("blobs/sha256").path) {
            blobs[try Digest(parsing: "sha256:" + name)] = Array(try Data(contentsOf: layout.appendingPathComponent("blobs/sha256/" + name)))
        }
        let indexBytes = Array(try Data(contentsOf: layout.appendingPathComponent("index.json")))
        #expect(Verifier().verify(ExampleProvider(index: indexBytes, blobs: blobs)).status == .verified)

        // A changed byte in any blob is found, as in a file.
        let layer = try #require(blobs.keys.max { blobs[$0]!.count < blobs[$1]!.count })
        blobs[layer]![100] ^= 1
        #expect(Verifier().verify(ExampleProvider(index: indexBytes, blobs: blobs)).status == .failed)
    }
}

/// docs/library.md's MemoryProvider and Chunks, verbatim but for their names.
private struct ExampleProvider: ContentProvider {
    var index: [UInt8]
    var blobs: [Digest: [UInt8]]
    var location: String { "memory" }

    func roots() throws -> [ContentRoot] { [.index] }
    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? { root == .index ? index : nil }
    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        guard let bytes = blobs[descriptor.digest] else { return nil }
        return StoredFile(path: "memory/\(descriptor.digest)", size: UInt64(bytes.count),
                          identity: descriptor.digest.description) { ExampleChunks(bytes: bytes) }
    }
}

private struct ExampleChunks: BlobChunkIterator {
    let bytes: [UInt8]
    var offset = 0
    mutating func next() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + 65_536, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
