internal import CZlib
internal import CZstd

/// Compresses a stream as it is written, in bounded memory: gzip through zlib (level 6,
/// what `gzip` and Docker write by default) or zstd through libzstd (level 3, its default).
/// What it emits is one complete gzip member or zstd frame once ``finish(into:)`` returned.
/// Used once, from one thread.
public final class StreamCompressor {
    public let compression: Compression
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?
    private var output: [UInt8]

    /// `compression` is `.gzip` or `.zstd`.
    public init(_ compression: Compression) throws {
        self.compression = compression
        output = [UInt8](repeating: 0, count: 1 << 17)
        switch compression {
        case .plain:
            throw ManifoldError(.internalFailure, "StreamCompressor: nothing to compress with for plain")
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            let result = manifold_deflateInit2(stream, 6, 15 + 16)
            guard result == Z_OK else {
                stream.deallocate()
                throw ManifoldError(.internalFailure, "zlib: deflateInit2 failed (\(result))")
            }
            zlib = stream
        case .zstd:
            guard let context = ZSTD_createCCtx() else { throw ManifoldError(.internalFailure, "zstd: no compression context") }
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3)
            zstd = context
        }
    }

    deinit {
        if let zlib {
            deflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeCCtx(zstd) }
    }

    /// Compresses `input`, emitting whatever compressed bytes are ready.
    public func compress(_ input: UnsafeRawBufferPointer, into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try step(input, finishing: false, into: emit)
    }

    /// Ends the stream: emits the rest (the gzip trailer, the zstd frame's end).
    public func finish(into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try step(UnsafeRawBufferPointer(start: nil, count: 0), finishing: true, into: emit)
    }

    private func step(_ input: UnsafeRawBufferPointer, finishing: Bool, into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let capacity = output.count
        try output.withUnsafeMutableBytes { buffer in
            guard let out = buffer.baseAddress else { return }
            if let stream = zlib {
                var rest = input
                repeat {
                    // zlib counts in 32-bit lengths.
                    let take = min(rest.count, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: rest.baseAddress?.assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = uInt(take)
                    let last = finishing && take == rest.count
                    var result: Int32
                    repeat {
                        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
                        stream.pointee.avail_out = uInt(capacity)
                        result = deflate(stream, last ? Z_FINISH : Z_NO_FLUSH)
                        guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                            throw ManifoldError(.internalFailure, "zlib: deflate failed (\(result))")
                        }
                        let produced = capacity - Int(stream.pointee.avail_out)
                        if produced > 0 { try emit(UnsafeRawBufferPointer(start: out, count: produced)) }
                    } while stream.pointee.avail_out == 0 || (last && result != Z_STREAM_END)
                    rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                } while !rest.isEmpty
            } else if let context = zstd {
                var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
                while true {
                    var outBuffer = ZSTD_outBuffer(dst: out, size: capacity, pos: 0)
                    let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, finishing ? ZSTD_e_end : ZSTD_e_continue)
                    if ZSTD_isError(remaining) != 0 {
                        throw ManifoldError(.internalFailure, "zstd: \(String(cString: ZSTD_getErrorName(remaining)))")
                    }
                    if outBuffer.pos > 0 { try emit(UnsafeRawBufferPointer(start: out, count: outBuffer.pos)) }
                    let done = finishing ? remaining == 0 : inBuffer.pos == inBuffer.size
                    if done { break }
                }
            }
        }
    }
}
