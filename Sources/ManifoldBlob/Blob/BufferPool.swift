/// Memory for ``BufferSet``s, kept across blobs: a blob's buffers come from here and go back
/// when its last stage lets go of them, so measuring or copying thousands of small blobs does
/// not map and unmap megabytes for each one, nor fault fresh pages in.
///
/// Bounded: at most ``maxIdle`` blocks of each size wait here; a block returned beyond that
/// is freed. Blocks are handed out before any new one is allocated, so the memory in use plus
/// the memory waiting never exceeds the most that was ever in use at once: peak memory is what
/// it would be without the pool.
final class BufferPool: Sendable {
    /// One per process: the buffers of every measurement and copy.
    static let shared = BufferPool(maxIdle: 4)

    let maxIdle: Int
    /// Idle blocks by byte count.
    private let idle = Locked([Int: [Block]]())

    init(maxIdle: Int) {
        self.maxIdle = maxIdle
    }

    /// A block of `byteCount` bytes, 4 KiB-aligned: an idle one when there is one.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if let block = idle.withLock({ $0[byteCount]?.popLast() }) { return block.base }
        return .allocate(byteCount: byteCount, alignment: 4096)
    }

    /// Gives back a block from ``take(byteCount:)``; nothing may touch it afterwards.
    func give(_ base: UnsafeMutableRawPointer, byteCount: Int) {
        let kept = idle.withLock { idle in
            guard idle[byteCount, default: []].count < maxIdle else { return false }
            idle[byteCount, default: []].append(Block(base: base))
            return true
        }
        if !kept { base.deallocate() }
    }

    /// Idle blocks of `byteCount` bytes (for tests).
    func idleCount(byteCount: Int) -> Int {
        idle.withLock { $0[byteCount]?.count ?? 0 }
    }
}

/// An idle block.
///
/// `@unchecked Sendable`: a block in the pool belongs to nobody; whoever takes it out owns it.
private struct Block: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
}
