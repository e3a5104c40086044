internal import CZstd

/// Zstandard through libzstd: several frames in a row, skippable frames skipped, and a frame
/// that asks for a window above ``DecompressionLimits/zstdWindowLimit`` refused before the
/// window is allocated.
final class ZstdDecompressor: Decompressor {
    private let context: OpaquePointer
    private let windowLimit: Int
    private var start = MemberStart.zstd
    private var frames = 0
    /// True between a frame's first byte and the call that reports it fully decoded.
    private var inFrame = false
    /// The structure of the stream as consumed, for the rules libzstd applies only to frames
    /// that arrive whole (see ``ZstdFrameWalker``), and the bytes the current frame produced.
    private var walker = ZstdFrameWalker()
    private var frameOutput: UInt64 = 0
    private var latch = FailureLatch("zstd")
    private(set) var bytesIn: UInt64 = 0

    /// `windowLimit` is rounded down to a power of two, as zstd windows are.
    init(windowLimit: Int = DecompressionLimits.defaultZstdWindowLimit) throws {
        guard windowLimit >= 1 << 10 else {
            throw ManifoldError(.invalidArgument, "zstd window limit \(windowLimit) is below zstd's 1 KiB minimum")
        }
        guard let context = ZSTD_createDCtx() else {
            throw ManifoldError(.internalFailure, "zstd: cannot allocate a decompression context")
        }
        let log = Int32(Int.bitWidth - 1 - windowLimit.leadingZeroBitCount)
        let set = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, min(log, 31))
        guard ZSTD_isError(set) == 0 else {
            ZSTD_freeDCtx(context)
            throw ManifoldError(.invalidArgument, "zstd: window limit \(windowLimit) refused: \(String(cString: ZSTD_getErrorName(set)))")
        }
        self.context = context
        self.windowLimit = 1 << Int(log)
    }

    deinit { ZSTD_freeDCtx(context) }

    func decompress(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        try latch.run { try step(&input, output) }
    }

    private func step(_ input: inout UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        var produced = 0
        while produced < output.count {
            if !inFrame && input.isEmpty { return produced }
            if !start.isComplete && !input.isEmpty {
                try start.check(input, completed: frames, offset: bytesIn)
                inFrame = true
            }
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress.map { $0 + produced }, size: output.count - produced, pos: 0)
            let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 {
                throw classify(result)
            }
            let ended = try walker.follow(UnsafeRawBufferPointer(rebasing: input[..<inBuffer.pos]))
            input = UnsafeRawBufferPointer(rebasing: input[inBuffer.pos...])
            bytesIn += UInt64(inBuffer.pos)
            produced += outBuffer.pos
            frameOutput += UInt64(outBuffer.pos)
            if result == 0 {
                // A frame is fully decoded and flushed; the next byte starts another or ends.
                guard ended == 1, walker.isAtFrameBoundary else {
                    throw ManifoldError(.corruptData, "zstd frame \(frames + 1): ends where its structure says it does not")
                }
                if let declared = walker.declaredContentSize, declared != frameOutput {
                    throw ManifoldError(
                        .corruptData,
                        "zstd frame \(frames + 1): its header declares \(declared) bytes of content, it holds \(frameOutput)")
                }
                frames += 1
                inFrame = false
                start.reset()
                frameOutput = 0
            } else if inBuffer.pos == 0 && outBuffer.pos == 0 {
                return produced  // needs more input
            }
        }
        return produced
    }

    private func classify(_ result: Int) -> ManifoldError {
        let code = manifold_zstd_error_code(result)
        let name = String(cString: ZSTD_getErrorName(result))
        let frame = "zstd frame \(frames + 1)"
        switch code {
        case manifold_zstd_error_window_too_large():
            return ManifoldError(
                .limitExceeded,
                "\(frame): asks for a window larger than the \(windowLimit >> 20) MiB limit (zstd: \(name))")
        case manifold_zstd_error_checksum_wrong():
            return ManifoldError(.checksumMismatch, "\(frame): content checksum mismatch (zstd: \(name))")
        case manifold_zstd_error_memory_allocation():
            return ManifoldError(.internalFailure, "\(frame): zstd could not allocate memory (\(name))")
        default:
            return ManifoldError(.corruptData, "\(frame): invalid data near offset \(bytesIn) (zstd: \(name))")
        }
    }

    func finish() throws {
        try latch.run { try finishStream() }
    }

    private func finishStream() throws {
        if inFrame {
            throw ManifoldError(.truncated, "truncated zstd stream: frame \(frames + 1) is incomplete")
        }
        if frames == 0 {
            throw ManifoldError(.truncated, "truncated zstd stream: no data")
        }
    }
}
