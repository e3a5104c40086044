import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob
import CZlib
import CZstd

/// The repository's Vectors/ folder, found from this file's path like swift-crypto does.
let vectorsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Vectors")

func vectorBytes(_ relativePath: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: vectorsDirectory.appendingPathComponent(relativePath)))
}

/// Rows of a tab-separated vector table, comments skipped.
func vectorTable(_ relativePath: String) throws -> [[String]] {
    let text = try String(contentsOf: vectorsDirectory.appendingPathComponent(relativePath), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}

/// The chunk size the blob reader uses; vectors are also fed at its neighbours.
let chunkSize = BlobReader.defaultChunkSize

/// Splits: whole, 1 byte, 7 bytes, chunk size - 1, chunk size + 1.
let awkwardChunkings: [Int?] = [nil, 1, 7, chunkSize - 1, chunkSize + 1]

/// Decompresses `data` fed in pieces of `piece` bytes (all at once for nil), with a small
/// output buffer so the "output full" path is exercised too.
func decompress(_ data: [UInt8], with decompressor: any Decompressor, piece: Int?, outputSize: Int = 4099) throws -> [UInt8] {
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: outputSize, alignment: 64)
    defer { scratch.deallocate() }
    var output = [UInt8]()
    let sink = { (run: UnsafeRawBufferPointer) in output.append(contentsOf: run) }
    try data.withUnsafeBytes { all in
        let step = piece ?? max(all.count, 1)
        var start = 0
        repeat {
            let end = min(start + step, all.count)
            try decompressor.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]), scratch: scratch, sink: sink)
            start = end
        } while start < all.count
    }
    try decompressor.end(scratch: scratch, sink: sink)
    return output
}

/// The code of the ManifoldError `body` throws, or nil when it does not throw.
func errorCode(_ body: () throws -> Void) -> ManifoldError.Code? {
    do {
        try body()
        return nil
    } catch let error as ManifoldError {
        return error.code
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Reproducible bytes that compress like real files do: text with some noise.
func layerLikeBytes(count: Int, seed: UInt64 = 42) -> [UInt8] {
    var state = seed
    var out = [UInt8]()
    out.reserveCapacity(count)
    let words = ["usr/", "lib/", "share/", "libc.so.6", "ELF", "\u{7f}", "sha256:", "manifest", " ", "\n", "0123456789"]
    while out.count < count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        if state >> 60 == 0 {
            for _ in 0..<16 { state = state &* 6364136223846793005 &+ 1; out.append(UInt8(truncatingIfNeeded: state >> 33)) }
        } else {
            out.append(contentsOf: words[Int(state >> 33) % words.count].utf8)
        }
    }
    return Array(out.prefix(count))
}

/// gzip (one member) of `data` by zlib.
func gzipCompress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
    var stream = z_stream()
    precondition(manifold_deflateInit2(&stream, level, 15 + 16) == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
    let written: Int = data.withUnsafeBytes { input in
        output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return out.count - Int(stream.avail_out)
        }
    }
    return Array(output.prefix(written))
}

/// zstd (one frame, with checksum) of `data` by libzstd.
func zstdCompress(_ data: [UInt8], level: Int32 = 3) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
    let written = data.withUnsafeBytes { input in
        output.withUnsafeMutableBytes { out in
            ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, level)
        }
    }
    precondition(ZSTD_isError(written) == 0)
    return Array(output.prefix(written))
}

func sha256(_ data: [UInt8]) throws -> Digest {
    try DigestHasher.digest(of: data)
}
