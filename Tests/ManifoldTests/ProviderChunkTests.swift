import Testing
@testable import Manifold
@testable import ManifoldBlob

/// A content provider's chunks go straight into the measurer and the copy path (no
/// regrouping reader in between): whatever their size, the result must be the one a file
/// with the same bytes gives, and a provider's failure must name the blob.
@Suite struct ProviderChunkTests {
    /// 1 byte, just under and just over a multiple of 64, and just over the default chunk size
    /// (1 MiB), so chunks straddle every kind of buffer boundary.
    static let chunkSizes = [1, 63, 65, (1 << 20) + 1]

    static func input(_ bytes: [UInt8], chunk: Int, name: String = "provider") -> BlobInput {
        .chunks(name: name) { SizedChunks(bytes: bytes, size: chunk) }
    }

    @Test(arguments: BlobMeasurerTests.samples, chunkSizes)
    func aProvidersChunksMeasureAsTheFileDoes(_ sample: BlobMeasurerTests.Sample, chunk: Int) throws {
        let checks = BlobMeasurerTests.checks + [("default check", BlobCheck())]
        for (name, check) in checks {
            let file = try BlobMeasurerTests.viaFile(sample.bytes, check)
            let chunked = try check.measure(Self.input(sample.bytes, chunk: chunk))
            BlobMeasurerTests.expectSame(chunked, file, "\(name), chunks of \(chunk)")
            #expect(chunked.digest == file.digest && chunked.size == UInt64(sample.bytes.count), "\(name)")
        }
    }

    /// Larger than one pipeline buffer, so the default 1 MiB buffers circulate too.
    @Test(arguments: chunkSizes)
    func aLargeBlobMeasuresAsTheFileDoes(chunk: Int) throws {
        let bytes = gzipCompress(layerLikeBytes(count: 3 << 20))
        let check = BlobCheck(decompression: .sniff)
        let file = try BlobMeasurerTests.viaFile(bytes, check)
        BlobMeasurerTests.expectSame(try check.measure(Self.input(bytes, chunk: chunk)), file, "chunks of \(chunk)")
        #expect(file.uncompressedSize == UInt64(3 << 20))
    }

    @Test func aThrowingIteratorNamesTheBlob() throws {
        let bytes = layerLikeBytes(count: 10_000)
        let check = BlobCheck(decompression: .sniff, chunkSize: 4096)
        // The provider's own error (a dropped connection) after some bytes.
        let failing = BlobInput.chunks(name: "registry/layer") { FailingChunks(bytes: bytes, failure: ProviderFailure()) }
        let error = try #require(throws: ManifoldError.self) { try check.measure(failing) }
        #expect(error.code == .unreadable)
        #expect(error.message == "registry/layer: cannot read: connection reset by peer")
        #expect(error.cause is ProviderFailure)
        // A ManifoldError of the provider's keeps its code, with the name in front.
        let named = BlobInput.chunks(name: "registry/layer") {
            FailingChunks(bytes: bytes, failure: ManifoldError(.truncated, "body ended early"))
        }
        let truncated = try #require(throws: ManifoldError.self) { try check.measure(named) }
        #expect(truncated.code == .truncated)
        #expect(truncated.message == "registry/layer: body ended early")
        // A provider that cannot even start the stream.
        let unopenable = BlobInput.chunks(name: "registry/layer") { () throws -> any BlobChunkIterator in throw ProviderFailure() }
        let unopened = try #require(throws: ManifoldError.self) { try check.measure(unopenable) }
        #expect(unopened.message == "registry/layer: cannot read: connection reset by peer")
        // The copy path and whole reads see the same wrapped error.
        let copyError = try #require(throws: ManifoldError.self) {
            _ = try BlobTransfer.copy(failing, limit: 1 << 20, algorithm: .sha256) { _ in }
        }
        #expect(copyError.message == "cannot read: connection reset by peer")
        #expect(throws: ManifoldError.self) { try failing.read(upTo: 1 << 20) }
    }

    /// The copy path (pack) streams a provider's chunks as they come: the same bytes, count and
    /// digest as the file path, and never more than the limit handed on.
    @Test(arguments: chunkSizes)
    func aProvidersChunksCopyAsTheFileDoes(chunk: Int) throws {
        let bytes = layerLikeBytes(count: (2 << 20) + 7)
        let path = try BlobCheckTests().temporaryFile(bytes)
        var fromFile: [UInt8] = []
        let file = try BlobTransfer.copy(.file(path), limit: UInt64(bytes.count), algorithm: .sha256) { fromFile += $0 }
        var fromChunks: [UInt8] = []
        let chunked = try BlobTransfer.copy(Self.input(bytes, chunk: chunk), limit: UInt64(bytes.count), algorithm: .sha256) {
            fromChunks += $0
        }
        #expect(fromFile == bytes)
        #expect(fromChunks == bytes)
        #expect(file.bytes == UInt64(bytes.count) && chunked.bytes == file.bytes)
        #expect(chunked.digest == (try sha256(bytes)) && file.digest == chunked.digest)

        // A stream longer than it should be: no more than `limit` bytes reach the writer.
        var cut: [UInt8] = []
        let over = try BlobTransfer.copy(Self.input(bytes, chunk: chunk), limit: 1000, algorithm: .sha256) { cut += $0 }
        #expect(cut == Array(bytes.prefix(1000)))
        #expect(over.bytes > 1000)
    }
}

/// `bytes` in chunks of `size`.
private struct SizedChunks: BlobChunkIterator {
    let bytes: [UInt8]
    let size: Int
    var offset = 0

    mutating func next() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + size, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Hands out `bytes` in one chunk, then throws `failure`.
private struct FailingChunks: BlobChunkIterator {
    let bytes: [UInt8]
    let failure: any Error
    var sent = false

    mutating func next() throws -> [UInt8]? {
        guard sent else {
            sent = true
            return bytes
        }
        throw failure
    }
}

private struct ProviderFailure: Error, CustomStringConvertible {
    var description: String { "connection reset by peer" }
}
