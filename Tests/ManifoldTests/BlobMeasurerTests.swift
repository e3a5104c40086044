import Dispatch
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// The chunk-fed measurer against the file path: whatever the feeding (1 byte, 4099 bytes,
/// uneven pieces, `feed` or `fill`), the measurement must be the one `BlobCheck.measure`
/// gives for the same bytes in a file, and an abandoned or failed measurer must leave no
/// stage thread behind.
@Suite struct BlobMeasurerTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static let content = layerLikeBytes(count: 120_000)

    static let samples: [Sample] = {
        let gzip = gzipCompress(content)
        let zstd = zstdCompress(content)
        var corrupt = gzip
        corrupt[corrupt.count / 2] ^= 0xff
        var corruptZstd = zstd
        corruptZstd[corruptZstd.count / 2] ^= 0xff
        return [
            Sample(name: "gzip", bytes: gzip),
            Sample(name: "multi-member gzip", bytes: gzipCompress(Array(content.prefix(40_000))) + gzipCompress(Array(content.dropFirst(40_000)))),
            Sample(name: "zstd", bytes: zstd),
            Sample(name: "plain", bytes: content),
            Sample(name: "empty", bytes: []),
            Sample(name: "corrupt gzip", bytes: corrupt),
            Sample(name: "corrupt zstd", bytes: corruptZstd),
            Sample(name: "truncated gzip", bytes: Array(gzip.dropLast(100))),
            Sample(name: "truncated zstd", bytes: Array(zstd.dropLast(100))),
            Sample(name: "gzip with trailing garbage", bytes: gzip + Array("garbage after the member".utf8)),
            Sample(name: "zstd with trailing garbage", bytes: zstd + [0, 0, 0, 0, 1]),
        ]
    }()

    /// 1 byte at a time, 4099 at a time, and pieces of uneven sizes that straddle buffers.
    static let feedings: [[Int]] = [[1], [4099], [1, 4099, 65_536, 7, 100_003, 3]]

    /// Small chunks make the buffers circulate many times; the default is what files use.
    static let checks: [(String, BlobCheck)] = [
        ("sniff, 4 KiB chunks", BlobCheck(decompression: .sniff, chunkSize: 4096)),
        ("sniff, 1 MiB chunks", BlobCheck(decompression: .sniff)),
        ("declared gzip, 4 KiB chunks", BlobCheck(decompression: .declared(.gzip), chunkSize: 4096)),
        ("zlib, sha512", BlobCheck(decompression: .sniff, uncompressedAlgorithm: .sha512, gzipBackend: .zlib, chunkSize: 4160)),
        ("stored bytes only", BlobCheck(digestAlgorithm: .sha512, decompression: .skip, chunkSize: 4096)),
    ]

    /// Feeds `bytes` with ``BlobMeasurer/feed(_:)`` in pieces cycling through `pieces`.
    static func feed(_ bytes: [UInt8], _ check: BlobCheck, pieces: [Int]) throws -> BlobMeasurement {
        let measurer = try BlobMeasurer(check)
        try bytes.withUnsafeBytes { all in
            var start = 0
            var turn = 0
            while start < all.count {
                let end = min(start + pieces[turn % pieces.count], all.count)
                try measurer.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
                turn += 1
            }
        }
        return try measurer.finish()
    }

    /// Feeds `bytes` with ``BlobMeasurer/fill(_:)``, writing at most the next piece each time.
    static func fill(_ bytes: [UInt8], _ check: BlobCheck, pieces: [Int]) throws -> BlobMeasurement {
        let measurer = try BlobMeasurer(check)
        try bytes.withUnsafeBytes { all in
            var start = 0
            var turn = 0
            while start < all.count {
                let piece = pieces[turn % pieces.count]
                let count = try measurer.fill { space in
                    let count = min(space.count, piece, all.count - start)
                    space.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[start..<(start + count)]))
                    return count
                }
                if count == 0 { break }
                start += count
                turn += 1
            }
        }
        #expect(try measurer.fill { _ in 0 } == 0)
        return try measurer.finish()
    }

    static func viaFile(_ bytes: [UInt8], _ check: BlobCheck) throws -> BlobMeasurement {
        try check.measure(.file(BlobCheckTests().temporaryFile(bytes)))
    }

    static func expectSame(_ fed: BlobMeasurement, _ file: BlobMeasurement, _ comment: Comment) {
        #expect(fed.size == file.size, comment)
        #expect(fed.digest == file.digest, comment)
        #expect(fed.sniffedCompression == file.sniffedCompression, comment)
        #expect(fed.compression == file.compression, comment)
        #expect(fed.uncompressedSize == file.uncompressedSize, comment)
        #expect(fed.uncompressedDigest == file.uncompressedDigest, comment)
        #expect(fed.decompressionError?.code == file.decompressionError?.code, comment)
        #expect(fed.decompressionError?.message == file.decompressionError?.message, comment)
    }

    @Test(arguments: samples, feedings)
    func feedingMeasuresAsTheFileDoes(_ sample: Sample, pieces: [Int]) throws {
        for (name, check) in Self.checks {
            let file = try Self.viaFile(sample.bytes, check)
            let comment: Comment = "\(name), pieces \(pieces)"
            Self.expectSame(try Self.feed(sample.bytes, check, pieces: pieces), file, comment)
            Self.expectSame(try Self.fill(sample.bytes, check, pieces: pieces), file, comment)
        }
    }

    /// The measurements are right, not only equal: the good samples give the content's
    /// digest, the bad ones the problem they hold.
    @Test func samplesGiveTheirKnownAnswers() throws {
        let check = BlobCheck(decompression: .sniff, chunkSize: 4096)
        let expected = try sha256(Self.content)
        let outcome = try Dictionary(uniqueKeysWithValues: Self.samples.map {
            ($0.name, try Self.feed($0.bytes, check, pieces: [4099]))
        })
        for name in ["gzip", "multi-member gzip", "zstd", "plain"] {
            #expect(outcome[name]?.uncompressedDigest == expected, "\(name)")
            #expect(outcome[name]?.uncompressedSize == UInt64(Self.content.count), "\(name)")
        }
        #expect(outcome["corrupt gzip"]?.decompressionError != nil)
        // ZSTD_compress writes no checksum: a flipped literal may decode, but not to the content.
        #expect(outcome["corrupt zstd"]?.uncompressedDigest != expected)
        #expect(outcome["truncated gzip"]?.decompressionError?.code == .truncated)
        #expect(outcome["truncated zstd"]?.decompressionError?.code == .truncated)
        #expect(outcome["gzip with trailing garbage"]?.decompressionError?.code == .trailingData)
        #expect(outcome["zstd with trailing garbage"]?.decompressionError?.code == .trailingData)
        for sample in Self.samples {
            #expect(outcome[sample.name]?.digest == (try sha256(sample.bytes)), "\(sample.name)")
        }
    }

    /// Every compression vector, declared as what it is, fed a byte at a time and unevenly:
    /// the outcome recorded in cases.tsv, and the file path's measurement exactly.
    @Test(arguments: CompressionVectorTests.cases)
    func vectorsFedInPieces(_ vector: CompressionVectorTests.Case) throws {
        let data = try vectorBytes("compression/\(vector.file)")
        for backend in CompressionVectorTests.backends(for: vector.compression) {
            let check = BlobCheck(decompression: .declared(vector.compression), gzipBackend: backend, chunkSize: 4096)
            let file = try Self.viaFile(data, check)
            for pieces in [[1], [4099], [3, 5000, 17]] {
                let fed = try Self.feed(data, check, pieces: pieces)
                Self.expectSame(fed, file, "\(backend), pieces \(pieces)")
                if vector.expect == "ok" {
                    #expect(fed.uncompressedDigest?.description == vector.digest)
                } else {
                    #expect(fed.decompressionError?.code == CompressionVectorTests.codes[vector.expect])
                }
            }
        }
    }

    @Test func limitsApplyToFedContent() throws {
        let bomb = gzipCompress([UInt8](repeating: 0, count: 8 << 20))
        let check = BlobCheck(decompression: .sniff, limits: DecompressionLimits(outputLimit: 1 << 20), chunkSize: 4096)
        let fed = try Self.feed(bomb, check, pieces: [777])
        #expect(fed.decompressionError?.code == .limitExceeded)
        #expect(fed.digest == (try sha256(bomb)))
        Self.expectSame(fed, try Self.viaFile(bomb, check), "bomb")

        let window = try vectorBytes("compression/zstd-window-256mib.zst")
        let refused = try Self.feed(window, BlobCheck(decompression: .sniff), pieces: [1])
        #expect(refused.decompressionError?.code == .limitExceeded)
    }

    /// Without a stored digest to finish, a decompression failure tells the feeder to stop.
    @Test func aDecompressionFailureStopsTheFeederWhenNoDigestIsWanted() throws {
        let notGzip = layerLikeBytes(count: 1 << 20)
        let measurer = try BlobMeasurer(BlobCheck(digestAlgorithm: nil, decompression: .declared(.gzip), chunkSize: 4096))
        try notGzip.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                try measurer.feed(UnsafeRawBufferPointer(rebasing: all[start..<(start + 4096)]))
                start += 4096
            }
        }
        #expect(!measurer.wantsMoreInput)
        let measurement = try measurer.finish()
        #expect(measurement.decompressionError?.code == .corruptData)
        #expect(measurement.size < UInt64(notGzip.count))
        #expect(measurement.digest == nil)
    }

    // MARK: no thread left behind

    /// Half a gzip stream in a measurer with small buffers: its stages are running, waiting
    /// for more input.
    static func halfFed() throws -> BlobMeasurer {
        let stored = gzipCompress(layerLikeBytes(count: 1 << 20))
        let measurer = try BlobMeasurer(BlobCheck(decompression: .sniff, chunkSize: 4096))
        try stored.withUnsafeBytes { try measurer.feed(UnsafeRawBufferPointer(rebasing: $0[..<($0.count / 2)])) }
        return measurer
    }

    @Test func anAbandonedMeasurerLeavesNoThreadRunning() throws {
        var measurer: BlobMeasurer? = try Self.halfFed()
        let group = measurer!.stageGroup
        #expect(group.wait(timeout: .now()) == .timedOut, "the stages should be waiting for input")
        #expect(measurer?.wantsMoreInput == true)
        measurer = nil
        #expect(group.wait(timeout: .now()) == .success)
    }

    @Test func cancelStopsTheStagesAndRefusesMore() throws {
        let measurer = try Self.halfFed()
        let group = measurer.stageGroup
        measurer.cancel()
        #expect(group.wait(timeout: .now()) == .success)
        #expect(!measurer.wantsMoreInput)
        #expect(errorCode { try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try measurer.feed($0) } } == .invalidArgument)
        #expect(errorCode { _ = try measurer.finish() } == .invalidArgument)
        measurer.cancel()  // twice is harmless
    }

    struct ReadFailure: Error {}

    @Test func aFailingFillCancelsTheMeasurement() throws {
        let measurer = try Self.halfFed()
        let group = measurer.stageGroup
        #expect(throws: ReadFailure.self) { _ = try measurer.fill { _ in throw ReadFailure() } }
        #expect(group.wait(timeout: .now()) == .success)
        #expect(errorCode { _ = try measurer.finish() } == .invalidArgument)

        let overfilled = try Self.halfFed()
        #expect(errorCode { _ = try overfilled.fill { $0.count + 1 } } == .invalidArgument)
        #expect(overfilled.stageGroup.wait(timeout: .now()) == .success)
    }

    /// A bomb keeps the inflater busy for long after its input is in; cancelling must not
    /// wait for all of its output.
    @Test func cancelStopsAnInflaterInTheMiddleOfABomb() throws {
        let bomb = gzipCompress([UInt8](repeating: 0, count: 64 << 20))
        let measurer = try BlobMeasurer(BlobCheck(decompression: .sniff, chunkSize: 4096))
        try bomb.withUnsafeBytes { try measurer.feed($0) }
        measurer.cancel()
        #expect(measurer.stageGroup.wait(timeout: .now()) == .success)
    }

    @Test func finishLeavesNoThreadAndCannotRunTwice() throws {
        let measurer = try Self.halfFed()
        let group = measurer.stageGroup
        let measurement = try measurer.finish()
        #expect(measurement.decompressionError?.code == .truncated)
        #expect(group.wait(timeout: .now()) == .success)
        #expect(errorCode { _ = try measurer.finish() } == .invalidArgument)
    }

    @Test func refusesWhatItCannotCompute() throws {
        let unknown = try DigestAlgorithm("md5")
        #expect(errorCode { _ = try BlobMeasurer(BlobCheck(digestAlgorithm: unknown)) } == .unsupportedAlgorithm)
        #expect(errorCode { _ = try BlobMeasurer(BlobCheck(chunkSize: 0)) } == .invalidArgument)
    }
}
