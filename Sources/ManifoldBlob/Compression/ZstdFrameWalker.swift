// https://www.rfc-editor.org/rfc/rfc8878#section-3.1

/// Follows the structure of a zstd stream — frame headers, block headers, checksums,
/// skippable frames — over the bytes libzstd consumes, to apply the rules libzstd applies
/// only when a whole frame arrives in one buffer.
///
/// libzstd decodes a frame found whole in its input in one shot, and a frame split across
/// inputs in streaming mode, and the two are not equally strict: a frame declaring a content
/// size it does not hold, or a compressed block of size zero, fails in one and passes in the
/// other (both found by the zstd fuzzer). A layer's verdict must not depend on where 1 MiB
/// chunk boundaries fall, so these rules are checked here, the same way for any chunking.
struct ZstdFrameWalker {
    private enum Step {
        case magic, frameHeader, blockHeader, blockBody, checksum, skippableSize, skippableBody
    }

    private var step = Step.magic
    /// Bytes gathered for the current fixed-size field (magic, header, block header, size).
    private var field: [UInt8] = []
    /// Bytes still to skip in a block body, checksum or skippable frame.
    private var remaining: UInt64 = 0
    private var fieldLength = 4
    private var lastBlock = false
    private var hasChecksum = false
    private var blockIndex = 0
    /// The declared content size of the current frame, once its header is complete.
    private(set) var declaredContentSize: UInt64?
    /// Frames completed so far (skippable ones included).
    private(set) var framesDone = 0

    /// True between frames.
    var isAtFrameBoundary: Bool { step == .magic && field.isEmpty }

    /// Follows `bytes`, which libzstd has consumed, and returns how many frames ended in them
    /// (the caller then checks the output against the declared size).
    mutating func follow(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        var ended = 0
        var index = 0
        while index < bytes.count {
            switch step {
            case .blockBody, .checksum, .skippableBody:
                let take = Int(min(remaining, UInt64(bytes.count - index)))
                remaining -= UInt64(take)
                index += take
                if remaining == 0 { ended += try finishSkip() }
            default:
                let take = min(fieldLength - field.count, bytes.count - index)
                field.append(contentsOf: bytes[index..<(index + take)])
                index += take
                if field.count == fieldLength { ended += try finishField() }
            }
        }
        return ended
    }

    private mutating func finishField() throws -> Int {
        let bytes = field
        field.removeAll(keepingCapacity: true)
        switch step {
        case .magic:
            declaredContentSize = nil
            if bytes == [0x28, 0xb5, 0x2f, 0xfd] {
                step = .frameHeader
                fieldLength = 1  // the frame header descriptor first; its size follows from it
                blockIndex = 0
            } else {
                // Skippable (the magic was checked already by MemberStart).
                step = .skippableSize
                fieldLength = 4
            }
        case .frameHeader where bytes.count == 1:
            let descriptor = bytes[0]
            let singleSegment = descriptor & 0x20 != 0
            let fcsFlag = descriptor >> 6
            let dictionaryBytes = [0, 1, 2, 4][Int(descriptor & 0x03)]
            let contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][Int(fcsFlag)]
            hasChecksum = descriptor & 0x04 != 0
            guard descriptor & 0x08 == 0 else {
                throw ManifoldError(.corruptData, "zstd frame \(framesDone + 1): reserved frame header bit set")
            }
            fieldLength = 1 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes
            field = bytes
            if fieldLength == 1 { return try finishField() }
            return 0
        case .frameHeader:
            let descriptor = bytes[0]
            let fcsFlag = Int(descriptor >> 6)
            let singleSegment = descriptor & 0x20 != 0
            let sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]
            if sizeBytes > 0 {
                var value: UInt64 = 0
                for (shift, byte) in bytes.suffix(sizeBytes).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
                declaredContentSize = sizeBytes == 2 ? value + 256 : value
            }
            step = .blockHeader
            fieldLength = 3
        case .blockHeader:
            let header = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
            lastBlock = header & 1 != 0
            let type = (header >> 1) & 3
            let size = UInt64(header >> 3)
            blockIndex += 1
            switch type {
            case 3:
                throw ManifoldError(.corruptData, "zstd frame \(framesDone + 1): block \(blockIndex) has the reserved block type")
            case 2 where size == 0:
                throw ManifoldError(.corruptData, "zstd frame \(framesDone + 1): block \(blockIndex) is a compressed block of size 0")
            case 1:
                remaining = 1  // RLE: one byte, repeated
            default:
                remaining = size
            }
            step = .blockBody
            if remaining == 0 { return try finishSkip() }
        case .skippableSize:
            remaining = UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes[2]) << 16 | UInt64(bytes[3]) << 24
            step = .skippableBody
            if remaining == 0 { return try finishSkip() }
        case .blockBody, .checksum, .skippableBody:
            break
        }
        return 0
    }

    private mutating func finishSkip() throws -> Int {
        switch step {
        case .blockBody where !lastBlock:
            step = .blockHeader
            fieldLength = 3
            return 0
        case .blockBody where hasChecksum:
            step = .checksum
            remaining = 4
            return 0
        default:
            step = .magic
            fieldLength = 4
            framesDone += 1
            return 1
        }
    }
}
