#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A FIFO of buffer handles between two pipeline stages, one thread on each side.
///
/// It needs no capacity bound: the handles are indices into a fixed set of buffers, so at
/// most that many are ever in flight. Built on a pthread mutex and condition variable
/// rather than Foundation's NSCondition, so the library does not pull in Foundation (and its
/// ~7 MiB of resident ICU data) for one lock. `@unchecked Sendable`: all mutable state is
/// guarded by `mutex`.
final class ChunkChannel: @unchecked Sendable {
    struct Chunk: Sendable {
        let index: Int
        let count: Int
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Chunk]
    private var head = 0
    private var closed = false

    init(_ initial: [Chunk] = []) {
        items = initial
        // Default attributes cannot fail to initialize beyond ENOMEM, which the allocation
        // above would already have hit.
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Enqueues a chunk; dropped if the channel was closed (the receiver is gone).
    func send(_ chunk: Chunk) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !closed else { return }
        items.append(chunk)
        pthread_cond_signal(condition)
    }

    /// The next chunk, waiting for one; nil once the channel is closed and drained.
    func receive() -> Chunk? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == items.count && !closed {
            pthread_cond_wait(condition, mutex)
        }
        guard head < items.count else { return nil }
        let chunk = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return chunk
    }

    /// No more sends; receivers drain what is queued, then get nil.
    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}
