import Foundation
import Testing
@testable import ManifoldBlob

/// What `push --compress` sends: a stream every gzip/zstd reader takes back to the input, the
/// same bytes each time for the same input (a re-push finds its layers by digest), whatever
/// the level asked for.
@Suite struct StreamCompressorTests {
    /// Compressible but not trivial: text-like runs with a varying part, as a layer's files are.
    static let input: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(3 << 20)
        var state: UInt32 = 0x1234_5678
        while bytes.count < (3 << 20) + 123 {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes += Array("line \(state % 997) of a layer's file /usr/share/doc/\(state >> 20)\n".utf8)
        }
        return bytes
    }()

    /// Compresses `input` handed over in pieces of `piece` bytes.
    static func compress(_ input: [UInt8], _ compression: Compression, level: Int?, piece: Int) throws -> [UInt8] {
        let compressor = try StreamCompressor(compression, level: level)
        var out: [UInt8] = []
        try input.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + piece, all.count)
                try compressor.compress(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { out += $0 }
                offset = end
            }
        }
        try compressor.finish { out += $0 }
        return out
    }

    @Test(arguments: [(Compression.gzip, Int?.none), (.gzip, 1), (.gzip, 9), (.zstd, nil), (.zstd, 19)])
    func roundTripsAndRepeatsItself(_ compression: Compression, _ level: Int?) throws {
        let once = try Self.compress(Self.input, compression, level: level, piece: 1 << 20)
        #expect(once.count < Self.input.count / 3, "\(compression) \(String(describing: level)): \(once.count) bytes")
        #expect(try Self.compress(Self.input, compression, level: level, piece: 1 << 20) == once)
        // Every reader the project has takes it back, whatever pieces the input came in.
        for piece in [1, 4093, 1 << 20, Self.input.count] {
            let bytes = piece == 1 << 20 ? once : try Self.compress(Self.input, compression, level: level, piece: piece)
            for backend in compression == .gzip ? GzipBackend.allCases : [.isal] {
                let decompressor = try #require(try compression.makeDecompressor(gzipBackend: backend))
                #expect(try decompressor.decompressAll(bytes) == Self.input, "\(compression) level \(String(describing: level)) piece \(piece) \(backend)")
            }
        }
    }

    @Test func theDefaultGzipHeaderHoldsNothingOfTheMachineOrTheMoment() throws {
        let bytes = try Self.compress(Array("hello\n".utf8), .gzip, level: nil, piece: 6)
        #expect(Array(bytes.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
        let empty = try Self.compress([], .gzip, level: nil, piece: 1)
        #expect(try Compression.gzip.makeDecompressor()!.decompressAll(empty) == [])
    }

    @Test func aLevelOutsideTheRangeIsRefused() {
        for (compression, level) in [(Compression.gzip, 0), (.gzip, 10), (.zstd, 0), (.zstd, 20)] {
            #expect(throws: ManifoldError.self) { _ = try StreamCompressor(compression, level: level) }
        }
    }
}
