internal import CZlib

/// gzip through zlib: the reference implementation.
///
/// zlib parses the gzip framing itself (windowBits 31) and checks CRC-32 and ISIZE; this
/// class adds what zlib leaves to its caller — continuing across members and refusing bytes
/// after the last member that are not another member. Tests run every vector through both
/// this and ``ISALGzipDecompressor`` and require the same output and the same error code.
final class ZlibGzipDecompressor: Decompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var member = 1
    private var inMember = false
    private var start = MemberStart.gzip
    private var latch = FailureLatch("gzip")
    private(set) var bytesIn: UInt64 = 0

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = manifold_inflateInit2(stream, 15 + 16)
        guard result == Z_OK else {
            stream.deallocate()
            throw ManifoldError(.internalFailure, "zlib: inflateInit2 failed (\(result))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func decompress(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        try latch.run { try step(&input, output) }
    }

    private func step(_ input: inout UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        var produced = 0
        while produced < output.count, let outBase = output.baseAddress {
            if !inMember && input.isEmpty { return produced }
            if !start.isComplete && !input.isEmpty {
                // zlib takes every header byte it is given, so each byte is observed once.
                try start.check(input, completed: member - 1, offset: bytesIn)
                inMember = true
            }
            // zlib counts in 32-bit lengths; never ask it for more.
            let inCount = min(input.count, Int(UInt32.max))
            let outCount = min(output.count - produced, Int(UInt32.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(inCount)
            stream.pointee.next_out = (outBase + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(outCount)
            let result = inflate(stream, Z_NO_FLUSH)
            let consumed = inCount - Int(stream.pointee.avail_in)
            let written = outCount - Int(stream.pointee.avail_out)
            input = UnsafeRawBufferPointer(rebasing: input[consumed...])
            bytesIn += UInt64(consumed)
            produced += written
            switch result {
            case Z_OK:
                if consumed == 0 && written == 0 { return produced }
            case Z_BUF_ERROR:
                return produced  // no progress possible: needs input (or room)
            case Z_STREAM_END:
                member += 1
                inMember = false
                start.reset()
                guard inflateReset(stream) == Z_OK else {
                    throw ManifoldError(.internalFailure, "zlib: inflateReset failed")
                }
            case Z_DATA_ERROR:
                throw classify(String(cString: stream.pointee.msg))
            case Z_MEM_ERROR:
                throw ManifoldError(.internalFailure, "zlib: out of memory")
            default:
                throw ManifoldError(.internalFailure, "zlib: inflate returned \(result)")
            }
        }
        return produced
    }

    private func classify(_ message: String) -> ManifoldError {
        let prefix = "gzip member \(member)"
        switch message {
        case "incorrect data check":
            return ManifoldError(.checksumMismatch, "\(prefix): CRC-32 mismatch (zlib: \(message))")
        case "incorrect length check":
            return ManifoldError(.lengthMismatch, "\(prefix): ISIZE mismatch (zlib: \(message))")
        case "header crc mismatch":
            return ManifoldError(.checksumMismatch, "\(prefix): header CRC mismatch (zlib: \(message))")
        case "incorrect header check" where member > 1:
            return ManifoldError(
                .trailingData, "trailing data: bytes after gzip member \(member - 1) are not another gzip member")
        default:
            return ManifoldError(.corruptData, "\(prefix): invalid data near offset \(bytesIn) (zlib: \(message))")
        }
    }

    func finish() throws {
        try latch.run { try finishStream() }
    }

    private func finishStream() throws {
        if inMember {
            throw ManifoldError(.truncated, "truncated gzip stream: member \(member) is incomplete")
        }
        if member == 1 {
            throw ManifoldError(.truncated, "truncated gzip stream: no data")
        }
    }
}
