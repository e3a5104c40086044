internal import CISAL

// https://www.rfc-editor.org/rfc/rfc1952#section-2.3

/// Parses one gzip member header incrementally, byte ranges at a time, so a header split
/// across any input chunks parses the same. Checks the magic, the method, the reserved flag
/// bits and, when present, the header CRC (FHCRC).
struct GzipHeaderParser {
    private enum Step { case fixed, extraLength, extra, name, comment, headerCRC, done }

    private static let fhcrc: UInt8 = 0x02, fextra: UInt8 = 0x04, fname: UInt8 = 0x08, fcomment: UInt8 = 0x10
    private static let reservedFlags: UInt8 = 0xe0

    /// 1 for the first member of the stream.
    let member: Int
    private var step = Step.fixed
    private var index = 0
    private var flags: UInt8 = 0
    private var extraLength = 0
    private var storedCRC: UInt16 = 0
    private var crc: UInt32 = 0
    /// Header bytes consumed so far.
    private(set) var bytesRead = 0

    init(member: Int) { self.member = member }

    var isDone: Bool { step == .done }

    /// Consumes header bytes from the front of `input`. Returns true once the header is
    /// complete; `offset` is the stream offset of `input`'s first byte, for messages.
    mutating func parse(_ input: inout UnsafeRawBufferPointer, offset: UInt64) throws -> Bool {
        var position = 0
        defer {
            bytesRead += position
            input = UnsafeRawBufferPointer(rebasing: input[position...])
        }
        while step != .done && position < input.count {
            switch step {
            case .fixed:
                let byte = input[position]
                try checkFixed(byte, at: index, offset: offset + UInt64(position))
                crcUpdate(input, position, 1)
                position += 1
                index += 1
                if index == 10 { advance(from: .fixed) }
            case .extraLength:
                extraLength |= Int(input[position]) << (8 * index)
                crcUpdate(input, position, 1)
                position += 1
                index += 1
                if index == 2 { step = .extra; index = 0; if extraLength == 0 { advance(from: .extra) } }
            case .extra:
                let take = min(extraLength - index, input.count - position)
                crcUpdate(input, position, take)
                position += take
                index += take
                if index == extraLength { advance(from: .extra) }
            case .name, .comment:
                // Zero-terminated; unbounded in the format, so never stored, only skipped.
                let rest = UnsafeRawBufferPointer(rebasing: input[position...])
                let zero = rest.firstIndex(of: 0)
                let take = zero.map { $0 + 1 } ?? rest.count
                crcUpdate(input, position, take)
                position += take
                if zero != nil { advance(from: step) }
            case .headerCRC:
                storedCRC |= UInt16(input[position]) << (8 * index)
                position += 1
                index += 1
                if index == 2 {
                    let computed = UInt16(truncatingIfNeeded: crc)
                    guard storedCRC == computed else {
                        throw ManifoldError(
                            .checksumMismatch,
                            "gzip member \(member): header CRC mismatch: header says \(hex16(storedCRC)), header bytes give \(hex16(computed))")
                    }
                    step = .done
                }
            case .done:
                break
            }
        }
        return step == .done
    }

    private mutating func checkFixed(_ byte: UInt8, at index: Int, offset: UInt64) throws {
        switch index {
        case 0, 1:
            guard byte == [0x1f, 0x8b][index] else {
                if member == 1 {
                    throw ManifoldError(.corruptData, "not a gzip stream: no gzip magic (1f 8b) at the start")
                }
                throw ManifoldError(
                    .trailingData,
                    "trailing data: bytes after gzip member \(member - 1) (at offset \(offset - UInt64(index))) are not another gzip member")
            }
        case 2:
            guard byte == 8 else {
                throw ManifoldError(.corruptData, "gzip member \(member): unknown compression method \(byte) (only 8, deflate, exists)")
            }
        case 3:
            guard byte & Self.reservedFlags == 0 else {
                throw ManifoldError(.corruptData, "gzip member \(member): reserved header flag bits set (flags \(hex8(byte)))")
            }
            flags = byte
        default:
            break
        }
    }

    /// Moves to the next optional header field the flags call for.
    private mutating func advance(from finished: Step) {
        index = 0
        let order: [(Step, UInt8)] = [(.extraLength, Self.fextra), (.name, Self.fname), (.comment, Self.fcomment), (.headerCRC, Self.fhcrc)]
        let start: Int
        switch finished {
        case .fixed: start = 0
        case .extraLength, .extra: start = 1
        case .name: start = 2
        case .comment: start = 3
        case .headerCRC, .done: start = 4
        }
        for (next, flag) in order[start...] where flags & flag != 0 {
            step = next
            return
        }
        step = .done
    }

    private mutating func crcUpdate(_ input: UnsafeRawBufferPointer, _ start: Int, _ count: Int) {
        guard count > 0, let base = input.baseAddress else { return }
        crc = crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self) + start, UInt64(count))
    }
}

func hex8(_ value: UInt8) -> String { "0x" + String(value, radix: 16) }
func hex16(_ value: UInt16) -> String { "0x" + String(value, radix: 16) }
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
