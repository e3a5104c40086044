import Testing
@testable import Manifold
@testable import ManifoldBlob

/// A small blob is inflated and hashed on the feeding thread (``InlineInflater``), a large one
/// on the pipeline's threads: the two must give the same measurement byte for byte, for good
/// and bad content alike, and on either side of the threshold (one chunk).
@Suite struct InlineMeasurementTests {
    typealias Sample = BlobMeasurerTests.Sample

    /// The samples of BlobMeasurerTests, plus what only limits and a bomb can show.
    static let samples: [Sample] = BlobMeasurerTests.samples + [
        Sample(name: "gzip bomb (4 MiB of zeros)", bytes: gzipCompress([UInt8](repeating: 0, count: 4 << 20))),
        Sample(name: "zstd bomb (4 MiB of zeros)", bytes: zstdCompress([UInt8](repeating: 0, count: 4 << 20))),
        Sample(name: "plain, declared gzip", bytes: Array(BlobMeasurerTests.content.prefix(10_000))),
    ]

    static let checks: [(String, BlobCheck)] = BlobMeasurerTests.checks + [
        ("output limit 50,000 bytes", BlobCheck(decompression: .sniff, limits: .init(outputLimit: 50_000), chunkSize: 4096)),
        ("output limit at the content's size", BlobCheck(decompression: .sniff, limits: .init(outputLimit: 120_000), chunkSize: 4096)),
        ("zstd window limit 1 KiB", BlobCheck(decompression: .sniff, limits: .init(zstdWindowLimit: 1024), chunkSize: 4096)),
        ("no stored digest", BlobCheck(digestAlgorithm: nil, decompression: .sniff, chunkSize: 4096)),
        ("declared zstd", BlobCheck(decompression: .declared(.zstd), chunkSize: 4096)),
    ]

    /// Feeds `bytes` in 4099-byte pieces to a measurer that inflates on this thread whatever
    /// the size.
    static func inline(_ bytes: [UInt8], _ check: BlobCheck) throws -> BlobMeasurement {
        let measurer = try BlobMeasurer(check, alwaysInline: true)
        try bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count, measurer.wantsMoreInput {
                let end = min(start + 4099, all.count)
                try measurer.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        #expect(!measurer.isPipelined)
        return try measurer.finish()
    }

    @Test(arguments: samples)
    func inlineMeasuresAsThePipelineDoes(_ sample: Sample) throws {
        for (name, check) in Self.checks {
            // Blobs of more than one 4 KiB chunk: the file path runs the pipeline.
            let piped = try BlobMeasurerTests.viaFile(sample.bytes, check)
            BlobMeasurerTests.expectSame(try Self.inline(sample.bytes, check), piped, "\(name)")
        }
    }

    /// Gzip content whose stored size is exactly `size` bytes: incompressible bytes, stored
    /// blocks, trimmed to size.
    static func gzip(storedSize size: Int) -> [UInt8] {
        var count = size
        while true {
            let stored = gzipCompress(layerLikeBytes(count: count, seed: 7).map { $0 ^ UInt8(truncatingIfNeeded: $0 &* 31) }, level: 0)
            if stored.count == size { return stored }
            count += size - stored.count
        }
    }

    /// One byte under, at and over a chunk: a file of the first two is measured inline, of the
    /// third in the pipeline, and each measures as it does with 64-byte chunks (always the
    /// pipeline), intact, cut short, or with trailing bytes.
    @Test(arguments: [4095, 4096, 4097])
    func aroundTheThreshold(_ size: Int) throws {
        let stored = Self.gzip(storedSize: size)
        #expect(stored.count == size)
        let damaged = Array(stored.dropLast(3))
        let trailing = stored + [0x1f, 0x8b]
        for bytes in [stored, damaged, trailing] {
            let check = BlobCheck(decompression: .sniff, chunkSize: 4096)
            let reference = try BlobMeasurerTests.viaFile(bytes, BlobCheck(decompression: .sniff, chunkSize: 64))
            BlobMeasurerTests.expectSame(try BlobMeasurerTests.viaFile(bytes, check), reference, "\(bytes.count) bytes, file")
            BlobMeasurerTests.expectSame(try BlobMeasurerTests.feed(bytes, check, pieces: [1000]), reference, "\(bytes.count) bytes, fed")

            // Fed, a blob of exactly one chunk starts the pipeline (more might follow); a file
            // says its size first, so it is measured inline.
            let fed = try BlobMeasurer(check)
            try bytes.withUnsafeBytes { try fed.feed($0) }
            #expect(fed.isPipelined == (bytes.count >= 4096), "\(bytes.count) bytes, fed")
            _ = try fed.finish()
            let path = try BlobCheckTests().temporaryFile(bytes)
            let read = try BlobMeasurer(check)
            try read.feed(BlobReader(.file(path)))
            #expect(read.isPipelined == (bytes.count > 4096), "\(bytes.count) bytes, read")
            _ = try read.finish()
        }
        let measured = try BlobMeasurerTests.viaFile(stored, BlobCheck(decompression: .sniff, chunkSize: 4096))
        #expect(measured.decompressionError == nil)
        #expect(measured.uncompressedSize != nil)
    }

    /// No stored digest wanted: after a failure an inline measurer asks for no more input,
    /// as the pipeline does.
    @Test func aFailureEndsTheInputWhenNoStoredDigestIsWanted() throws {
        var corrupt = gzipCompress(BlobMeasurerTests.content)
        corrupt[3] = 0xe0  // reserved FLG bits: refused in the first chunk
        let measurer = try BlobMeasurer(BlobCheck(digestAlgorithm: nil, decompression: .sniff, chunkSize: 4096), alwaysInline: true)
        try corrupt.withUnsafeBytes { all in
            var start = 0
            while start < all.count, measurer.wantsMoreInput {
                try measurer.feed(UnsafeRawBufferPointer(rebasing: all[start..<min(start + 4096, all.count)]))
                start += 4096
            }
        }
        #expect(!measurer.wantsMoreInput)
        #expect(try measurer.finish().decompressionError != nil)
    }

    /// A bomb that fits one input chunk inflates within one `take`: once the measurer's
    /// cancellation is set, the inline inflater stops after the output buffer it is on, as
    /// the pipeline's inflater does, instead of inflating all 64 MiB and succeeding.
    @Test func aBombInOneChunkStopsWhenCancelled() throws {
        let bomb = gzipCompress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < BlobReader.defaultChunkSize)
        let cancellation = CancellationFlag()
        cancellation.cancel()
        var check = BlobCheck(decompression: .sniff)
        check.cancellation = cancellation
        let measurer = try BlobMeasurer(check)
        try bomb.withUnsafeBytes { try measurer.feed($0) }  // less than a chunk: nothing inflated yet
        #expect(throws: CancellationError.self) { try measurer.finish() }
        #expect(!measurer.isPipelined)
    }

    @Test func thePoolReusesAndIsBounded() {
        let pool = BufferPool(maxIdle: 2)
        let size = 3 * 4096
        let first = pool.take(byteCount: size)
        pool.give(first, byteCount: size)
        #expect(pool.take(byteCount: size) == first, "an idle block is handed out again")
        let blocks = (0..<4).map { _ in pool.take(byteCount: size) } + [first]
        for block in blocks { pool.give(block, byteCount: size) }
        #expect(pool.idleCount(byteCount: size) == 2)
        #expect(pool.idleCount(byteCount: 4096) == 0)
        for _ in 0..<2 { pool.take(byteCount: size).deallocate() }
    }

    /// ISA-L's inflate states are reused across blobs: one left in the middle of a deflate
    /// stream by corrupt content inflates the next blob as a fresh one would, and the pool
    /// keeps at most its bound.
    @Test func aReusedInflateStateStartsClean() throws {
        let good = gzipCompress(BlobMeasurerTests.content)
        var corrupt = good
        for i in (corrupt.count / 2)..<(corrupt.count / 2 + 64) { corrupt[i] ^= 0x5A }  // mid-stream
        let check = BlobCheck(decompression: .sniff, gzipBackend: .isal, chunkSize: 4096)
        for _ in 0..<3 {
            #expect(try Self.inline(corrupt, check).decompressionError != nil)
            let measured = try Self.inline(good, check)
            #expect(measured.decompressionError == nil)
            #expect(measured.uncompressedDigest == (try sha256(BlobMeasurerTests.content)))
        }
        do {
            let decompressors = try (0..<6).map { _ in try ISALGzipDecompressor() }
            #expect(decompressors.count == 6)
        }
        // Other tests may hold states meanwhile: only the bound is certain.
        #expect(ISALStatePool.shared.idleCount <= ISALStatePool.shared.maxIdle)
    }

    /// A small file is copied on the caller's thread, a large one through the read thread:
    /// the same bytes, count and digest, and no more than `limit` bytes written.
    @Test(arguments: [10_000, BlobReader.defaultChunkSize, BlobReader.defaultChunkSize + 1, 3 << 20])
    func transfersCopyTheSameWhateverTheSize(_ size: Int) throws {
        let bytes = layerLikeBytes(count: size)
        let path = try BlobCheckTests().temporaryFile(bytes)
        var written: [UInt8] = []
        let copied = try BlobTransfer.copy(.file(path), limit: UInt64(size), algorithm: .sha256) { written += $0 }
        #expect(copied.bytes == UInt64(size))
        #expect(copied.digest == (try sha256(bytes)))
        #expect(written == bytes)

        var cut: [UInt8] = []
        let short = try BlobTransfer.copy(.file(path), limit: UInt64(size / 2), algorithm: .sha256) { cut += $0 }
        #expect(short.bytes == UInt64(size))
        #expect(cut == Array(bytes.prefix(size / 2)))
    }
}
