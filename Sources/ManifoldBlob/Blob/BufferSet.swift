/// A fixed set of equal, 4 KiB-aligned buffers for one blob, its memory taken from the
/// ``BufferPool`` and given back when the last stage holding the set lets it go.
///
/// `@unchecked Sendable`: the pipeline hands each buffer index from stage to stage through
/// ``ChunkChannel``s, so exactly one thread touches a given buffer at a time, and the
/// channel's lock orders one stage's writes before the next stage's reads.
final class BufferSet: @unchecked Sendable {
    let count: Int
    let size: Int
    private let base: UnsafeMutableRawPointer

    init(count: Int, size: Int) {
        self.count = count
        self.size = size
        base = BufferPool.shared.take(byteCount: count * size)
    }

    // Only once no stage holds the set: no thread can be touching the memory any more.
    deinit { BufferPool.shared.give(base, byteCount: count * size) }

    subscript(index: Int) -> UnsafeMutableRawBufferPointer {
        precondition(index >= 0 && index < count)
        return UnsafeMutableRawBufferPointer(start: base + index * size, count: size)
    }
}
