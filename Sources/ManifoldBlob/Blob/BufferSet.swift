/// A fixed set of equal, 4 KiB-aligned buffers, allocated once per blob.
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
        base = .allocate(byteCount: count * size, alignment: 4096)
    }

    deinit { base.deallocate() }

    subscript(index: Int) -> UnsafeMutableRawBufferPointer {
        precondition(index >= 0 && index < count)
        return UnsafeMutableRawBufferPointer(start: base + index * size, count: size)
    }
}
