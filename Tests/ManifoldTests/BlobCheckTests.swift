import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

@Suite struct BlobCheckTests {
    static let content = layerLikeBytes(count: 3 << 20 + 12345)

    func temporaryFile(_ bytes: [UInt8], name: String = "blob") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test(arguments: [GzipBackend.isal, .zlib])
    func measuresAGzipLayerInOnePass(_ backend: GzipBackend) throws {
        let stored = gzipCompress(Self.content)
        let path = try temporaryFile(stored)
        for chunk in [64, 4096, 1 << 20] {
            let check = BlobCheck(decompression: .sniff, gzipBackend: backend, chunkSize: chunk)
            let measurement = try check.measure(.file(path))
            #expect(measurement.size == UInt64(stored.count))
            #expect(measurement.digest == (try sha256(stored)))
            #expect(measurement.sniffedCompression == .gzip)
            #expect(measurement.compression == .gzip)
            #expect(measurement.uncompressedSize == UInt64(Self.content.count))
            #expect(measurement.uncompressedDigest == (try sha256(Self.content)))
            #expect(measurement.decompressionError == nil)
        }
    }

    @Test func measuresZstdAndPlainContent() throws {
        let zstd = try BlobCheck(decompression: .sniff).measure(.file(temporaryFile(zstdCompress(Self.content))))
        #expect(zstd.compression == .zstd)
        #expect(zstd.uncompressedDigest == (try sha256(Self.content)))

        let plain = try BlobCheck(decompression: .sniff).measure(.file(temporaryFile(Self.content)))
        #expect(plain.compression == Compression.plain)
        #expect(plain.digest == (try sha256(Self.content)))
        #expect(plain.uncompressedDigest == plain.digest)
        #expect(plain.uncompressedSize == plain.size)
    }

    @Test func skipsTheStoredDigestWhenNotWanted() throws {
        let path = try temporaryFile(gzipCompress(Self.content))
        let measurement = try BlobCheck(digestAlgorithm: nil, decompression: .sniff).measure(.file(path))
        #expect(measurement.digest == nil)
        #expect(measurement.uncompressedDigest == (try sha256(Self.content)))
    }

    @Test func corruptContentStillGetsItsStoredDigest() throws {
        var stored = gzipCompress(Self.content)
        stored[stored.count / 2] ^= 0xff
        let path = try temporaryFile(stored)
        let measurement = try BlobCheck(decompression: .sniff).measure(.file(path))
        #expect(measurement.digest == (try sha256(stored)))
        #expect(measurement.size == UInt64(stored.count))
        #expect(measurement.decompressionError != nil)
        #expect(measurement.uncompressedDigest == nil)
    }

    @Test func verifyNamesEachMismatch() throws {
        let stored = gzipCompress(Self.content)
        let path = try temporaryFile(stored)
        let good = BlobExpectation(
            size: Int64(stored.count), digest: try sha256(stored), diffID: try sha256(Self.content), compression: .gzip)
        #expect(try BlobCheck().verify(.file(path), against: good).isVerified)

        let wrongDigest = try Digest(parsing: "sha256:" + String(repeating: "0", count: 64))
        var bad = good
        bad.size = 5
        bad.digest = wrongDigest
        bad.diffID = wrongDigest
        let result = try BlobCheck().verify(.file(path), against: bad)
        #expect(result.problems.map(\.kind) == [.size, .digest, .diffID])
        #expect(result.problems[1].expected == wrongDigest.description)
        #expect(result.problems[1].actual == (try sha256(stored)).description)
        #expect(result.problems[0].message == "size mismatch: expected 5 bytes, got \(stored.count)")
        bad.size = 1
        #expect(try BlobCheck().verify(.file(path), against: bad).problems[0].message == "size mismatch: expected 1 byte, got \(stored.count)")

        var declaredZstd = good
        declaredZstd.compression = .zstd
        let mismatch = try BlobCheck().verify(.file(path), against: declaredZstd)
        #expect(mismatch.problems.map(\.kind) == [.compression])
    }

    @Test func outputLimitStopsABomb() throws {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let path = try temporaryFile(gzipCompress(zeros))
        let check = BlobCheck(decompression: .sniff, limits: DecompressionLimits(outputLimit: 1 << 20))
        let measurement = try check.measure(.file(path))
        #expect(measurement.decompressionError?.code == .limitExceeded)
        #expect(measurement.digest != nil)
    }

    @Test func unreadableInputThrows() throws {
        #expect(errorCode { _ = try BlobCheck().measure(.file("/nonexistent/blob")) } == .unreadable)
        #expect(errorCode { _ = try BlobCheck().measure(.file(FileManager.default.temporaryDirectory.path)) } == .unreadable)
    }

    @Test func regionOfAFileIsReadInPlace() throws {
        let stored = gzipCompress(Self.content)
        let path = try temporaryFile(Array("HEADER".utf8) + stored + Array("FOOTER".utf8))
        let file = try OpenFile(path: path)
        let input = BlobInput.region(of: file, offset: 6, length: UInt64(stored.count), name: "region")
        let measurement = try BlobCheck(decompression: .sniff).measure(input)
        #expect(measurement.digest == (try sha256(stored)))
        #expect(measurement.uncompressedDigest == (try sha256(Self.content)))

        let past = BlobInput.region(of: file, offset: 6, length: UInt64(stored.count + 100), name: "region")
        #expect(errorCode { _ = try BlobCheck().measure(past) } == .unreadable)
    }

    /// A directory is refused through the one errno mapping: the message reads as any failed
    /// read does, and the cause (read, EISDIR) is kept for a program to look at.
    @Test func aDirectoryIsRefusedWithItsCause() throws {
        let directory = URL(fileURLWithPath: try temporaryFile([])).deletingLastPathComponent().path
        let error = try #require(throws: ManifoldError.self) { try BlobCheck().measure(.file(directory)) }
        #expect(error.code == .unreadable)
        #expect(error.message == "\(directory): cannot read: Is a directory")
        let cause = try #require(error.cause as? SystemError)
        #expect(cause.call == "read")
        #expect(cause.errno == EISDIR)
    }
}
