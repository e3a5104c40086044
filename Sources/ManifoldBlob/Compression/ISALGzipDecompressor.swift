internal import CISAL

/// gzip through ISA-L's igzip: the fast path.
///
/// ISA-L inflates raw deflate and tracks the output CRC-32; the gzip framing — headers,
/// trailers, member boundaries — is parsed here, so every failure is named precisely
/// (bad CRC versus bad ISIZE, truncated where, trailing data at which offset) and the
/// behaviour matches the zlib reference whatever the chunking.
final class ISALGzipDecompressor: Decompressor {
    private enum Phase {
        case header(GzipHeaderParser)
        case deflate
        /// Trailer bytes collected so far (CRC-32 then ISIZE, both little-endian).
        case trailer([UInt8])
    }

    private let state: UnsafeMutablePointer<inflate_state>
    private var phase = Phase.header(GzipHeaderParser(member: 1))
    private var member = 1
    private var completedMembers = 0
    private var memberOutput: UInt64 = 0
    /// Whole bytes ISA-L had buffered past the end of a deflate stream (at most 8).
    private var pending: [UInt8] = []
    private var latch = FailureLatch("gzip")
    private(set) var bytesIn: UInt64 = 0

    init() throws {
        // From a pool reused across blobs: a zeroed ~87 KB block per small layer costs.
        guard let state = ISALStatePool.shared.take() else {
            throw ManifoldError(.internalFailure, "ISA-L: cannot allocate inflate state")
        }
        self.state = state
    }

    deinit { ISALStatePool.shared.give(state) }

    func decompress(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        try latch.run { try step(&input, output) }
    }

    private func step(_ input: inout UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer)
        throws -> Int
    {
        var produced = 0
        while true {
            if !pending.isEmpty { try consumePending() }
            if case .deflate = phase {
                let (consumed, written) = try inflate(input, UnsafeMutableRawBufferPointer(rebasing: output[produced...]))
                input = UnsafeRawBufferPointer(rebasing: input[consumed...])
                // Bytes ISA-L read ahead past the deflate end are counted when they are used.
                bytesIn = bytesIn + UInt64(consumed) - UInt64(pending.count)
                produced += written
                if case .deflate = phase { return produced }  // needs more input or more room
            } else {
                if input.isEmpty { return produced }
                let before = input.count
                try consumeFraming(&input, offset: bytesIn)
                bytesIn += UInt64(before - input.count)
            }
        }
    }

    /// Feeds the bytes ISA-L read past a deflate stream's end: they begin the trailer.
    private func consumePending() throws {
        let held = pending
        pending = []
        try held.withUnsafeBytes { (bytes) throws in
            var rest = bytes
            try consumeFraming(&rest, offset: bytesIn)
            // At most 8 bytes are buffered and a trailer is 8, so nothing can be left over.
            guard rest.isEmpty else {
                throw ManifoldError(.internalFailure, "ISA-L buffered more than a gzip trailer")
            }
        }
        bytesIn += UInt64(held.count)
    }

    /// Header and trailer bytes; moves to the next phase when one is complete.
    private func consumeFraming(_ input: inout UnsafeRawBufferPointer, offset: UInt64) throws {
        switch phase {
        case .header(var parser):
            let done = try parser.parse(&input, offset: offset)
            if done {
                manifold_isal_inflate_begin_member(state)
                memberOutput = 0
                phase = .deflate
            } else {
                phase = .header(parser)
            }
        case .trailer(var bytes):
            let take = min(8 - bytes.count, input.count)
            bytes.append(contentsOf: input[..<take])
            input = UnsafeRawBufferPointer(rebasing: input[take...])
            if bytes.count < 8 {
                phase = .trailer(bytes)
                return
            }
            try checkTrailer(bytes)
            completedMembers += 1
            member += 1
            phase = .header(GzipHeaderParser(member: member))
        case .deflate:
            preconditionFailure("framing bytes while inflating")
        }
    }

    /// One call into ISA-L. Returns (input consumed, output written).
    private func inflate(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer)
        throws -> (Int, Int)
    {
        guard output.count > 0 else { return (0, 0) }
        // ISA-L takes 32-bit lengths; callers use MiB-sized chunks, but never overflow.
        let inCount = min(input.count, Int(UInt32.max))
        let outCount = min(output.count, Int(UInt32.max))
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(inCount)
        state.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(outCount)
        let result = isal_inflate(state)
        guard result >= 0 else {
            // After an error ISA-L's avail_in is not to be trusted (the fuzzer found it
            // larger than what was given), so the offset is where this call began.
            throw ManifoldError(
                .corruptData,
                "gzip member \(member): invalid deflate data after offset \(bytesIn) (\(describeISAL(result)))")
        }
        let consumed = inCount - Int(state.pointee.avail_in)
        let written = outCount - Int(state.pointee.avail_out)
        guard (0...inCount).contains(consumed), (0...outCount).contains(written) else {
            throw ManifoldError(.internalFailure, "ISA-L reported impossible progress (\(consumed) in, \(written) out)")
        }
        memberOutput += UInt64(written)
        if consumed == 0 && written == 0 && !input.isEmpty && manifold_isal_block_finished(state) == 0 {
            // Never spin: ISA-L always takes input into its buffers when it has room to.
            throw ManifoldError(.internalFailure, "ISA-L made no progress at offset \(bytesIn)")
        }
        if manifold_isal_block_finished(state) != 0 {
            // ISA-L reads ahead in 64-bit words: whole bytes still in its bit buffer belong
            // to the trailer. The low (length % 8) bits are the final byte's padding.
            let bits = Int(state.pointee.read_in_length)
            guard (0...64).contains(bits) else {
                throw ManifoldError(.corruptData, "gzip member \(member): deflate data ends inconsistently (ISA-L holds \(bits) bits)")
            }
            var word = state.pointee.read_in >> UInt64(bits % 8)
            for _ in 0..<(bits / 8) {
                pending.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
            state.pointee.read_in = 0
            state.pointee.read_in_length = 0
            phase = .trailer([])
        }
        return (consumed, written)
    }

    private func checkTrailer(_ bytes: [UInt8]) throws {
        let storedCRC = littleEndian32(bytes, 0)
        let storedSize = littleEndian32(bytes, 4)
        let crc = state.pointee.crc
        guard storedCRC == crc else {
            throw ManifoldError(
                .checksumMismatch,
                "gzip member \(member): CRC-32 mismatch: trailer says \(hex32(storedCRC)), data gives \(hex32(crc))")
        }
        let size = UInt32(truncatingIfNeeded: memberOutput)
        guard storedSize == size else {
            throw ManifoldError(
                .lengthMismatch,
                "gzip member \(member): ISIZE mismatch: trailer says \(storedSize) bytes (mod 2^32), data is \(memberOutput) bytes")
        }
    }

    func finish() throws {
        try latch.run { try finishStream() }
    }

    private func finishStream() throws {
        switch phase {
        case .header(let parser) where parser.bytesRead == 0 && pending.isEmpty:
            if completedMembers > 0 { return }
            throw ManifoldError(.truncated, "truncated gzip stream: no data")
        case .header:
            throw ManifoldError(.truncated, "truncated gzip stream: ends inside the header of member \(member)")
        case .deflate:
            throw ManifoldError(.truncated, "truncated gzip stream: ends inside the deflate data of member \(member)")
        case .trailer:
            throw ManifoldError(.truncated, "truncated gzip stream: ends inside the trailer of member \(member)")
        }
    }
}

func littleEndian32(_ bytes: [UInt8], _ start: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * UInt32($1)) }
}

private func describeISAL(_ code: Int32) -> String {
    switch code {
    case ISAL_INVALID_BLOCK: "invalid block"
    case ISAL_INVALID_SYMBOL: "invalid symbol"
    case ISAL_INVALID_LOOKBACK: "invalid distance"
    case ISAL_NEED_DICT: "needs a dictionary"
    default: "ISA-L error \(code)"
    }
}
