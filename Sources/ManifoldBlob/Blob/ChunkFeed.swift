/// Regroups a ``BlobChunkIterator``'s chunks of any size into the whole buffers
/// ``BlobReader`` promises: every read but the last fills its buffer.
final class ChunkFeed {
    private var iterator: any BlobChunkIterator
    private var pending: [UInt8] = []
    private var used = 0
    private var ended = false

    init(_ iterator: any BlobChunkIterator) {
        self.iterator = iterator
    }

    /// Fills `buffer` unless the blob ends first; returns the byte count (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            if used == pending.count {
                guard !ended, let next = try iterator.next() else {
                    ended = true
                    break
                }
                pending = next
                used = 0
                continue
            }
            let count = min(buffer.count - filled, pending.count - used)
            pending.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[used..<(used + count)]))
            }
            used += count
            filled += count
        }
        return filled
    }
}
