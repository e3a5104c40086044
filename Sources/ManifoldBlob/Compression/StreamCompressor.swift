internal import CISAL
internal import CZlib
internal import CZstd

/// Compresses a stream as it is written, in bounded memory. gzip: by default through ISA-L's
/// deflate at its level 1 (fast on amd64 and arm64 alike: a layer of a Docker ≤ 24 save
/// compresses at several hundred MB/s per core, where zlib's level 6 manages ~20 and level 1
/// ~60, for output a few per cent larger than zlib's level 1); with a level (1–9), through
/// zlib at that level. zstd through libzstd, level 3 (its default) unless one is given (1–19).
/// What it emits is one complete gzip member or zstd frame once ``finish(into:)`` returned;
/// the same input gives the same bytes (a gzip header without name or time), so a layer sent
/// twice gets one digest. Used once, from one thread.
public final class StreamCompressor {
    public let compression: Compression
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var isal: UnsafeMutablePointer<manifold_isal_deflater>?
    private var zstd: OpaquePointer?
    private var output: [UInt8]
    /// The gzip header still to be written before ISA-L's first bytes (it writes none).
    private var header: [UInt8] = []

    /// The levels a caller may ask for: gzip through zlib, zstd.
    public static func levels(of compression: Compression) -> ClosedRange<Int>? {
        switch compression {
        case .plain: nil
        case .gzip: 1...9
        case .zstd: 1...19
        }
    }

    /// `compression` is `.gzip` or `.zstd`; `level` nil for the default (see the type).
    public init(_ compression: Compression, level: Int? = nil) throws {
        self.compression = compression
        output = [UInt8](repeating: 0, count: 1 << 17)
        if let level, let levels = Self.levels(of: compression), !levels.contains(level) {
            throw ManifoldError(.invalidArgument, "a \(compression) level is \(levels.lowerBound)–\(levels.upperBound), got \(level)")
        }
        switch compression {
        case .plain:
            throw ManifoldError(.internalFailure, "StreamCompressor: nothing to compress with for plain")
        case .gzip:
            guard let level else {
                guard let deflater = manifold_isal_deflate_new(1) else {
                    throw ManifoldError(.internalFailure, "ISA-L: no memory for a deflate stream")
                }
                isal = deflater
                // ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown: what Go's
                // gzip writer puts, so nothing in it depends on the machine or the moment.
                header = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF]
                return
            }
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            let result = manifold_deflateInit2(stream, Int32(level), 15 + 16)
            guard result == Z_OK else {
                stream.deallocate()
                throw ManifoldError(.internalFailure, "zlib: deflateInit2 failed (\(result))")
            }
            zlib = stream
        case .zstd:
            guard let context = ZSTD_createCCtx() else { throw ManifoldError(.internalFailure, "zstd: no compression context") }
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level ?? 3))
            zstd = context
        }
    }

    deinit {
        if let zlib {
            deflateEnd(zlib)
            zlib.deallocate()
        }
        manifold_isal_deflate_free(isal)
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
            if let deflater = isal {
                if !header.isEmpty {
                    try header.withUnsafeBytes { try emit($0) }
                    header = []
                }
                var rest = input
                repeat {
                    // ISA-L counts in 32-bit lengths.
                    let take = min(rest.count, Int(UInt32.max))
                    deflater.pointee.stream.next_in = UnsafeMutablePointer(mutating: rest.baseAddress?.assumingMemoryBound(to: UInt8.self))
                    deflater.pointee.stream.avail_in = UInt32(take)
                    let last = finishing && take == rest.count
                    deflater.pointee.stream.end_of_stream = last ? 1 : 0
                    repeat {
                        deflater.pointee.stream.next_out = out.assumingMemoryBound(to: UInt8.self)
                        deflater.pointee.stream.avail_out = UInt32(capacity)
                        let result = isal_deflate(&deflater.pointee.stream)
                        guard result == COMP_OK else { throw ManifoldError(.internalFailure, "ISA-L: deflate failed (\(result))") }
                        let produced = capacity - Int(deflater.pointee.stream.avail_out)
                        if produced > 0 { try emit(UnsafeRawBufferPointer(start: out, count: produced)) }
                    } while deflater.pointee.stream.avail_in > 0 || deflater.pointee.stream.avail_out == 0
                        || (last && manifold_isal_deflate_ended(deflater) == 0)
                    rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                } while !rest.isEmpty
            } else if let stream = zlib {
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
