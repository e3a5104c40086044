#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// Bytes from the thread that measures a blob to the thread whose curl transfer uploads it:
/// a bounded queue of chunks (``capacity`` bytes at most, or one chunk: memory does not grow
/// with the blob), read by curl's read callback.
///
/// The blob's last byte is held back until the writer calls ``finish()``: curl sends a
/// body of known length to its end only then, so a registry never completes an upload whose
/// bytes then failed a check (``fail(_:)`` aborts the transfer instead).
///
/// `@unchecked Sendable`: every mutable field is guarded by `mutex`.
final class UploadPipe: @unchecked Sendable {
    /// Bytes queued at most before the writer waits (a registry source's chunks are small:
    /// a few MiB keep both sides busy without a switch per chunk).
    static let capacity = 4 << 20

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var chunks: [[UInt8]] = []
    /// Bytes in `chunks` not yet read.
    private var queued = 0
    /// Bytes of `chunks[0]` already read.
    private var offset = 0
    private var written: UInt64 = 0
    private var read: UInt64 = 0
    private var finished = false
    private var failure: (any Error)?
    /// The reader is gone (its transfer ended): the writer stops.
    private var closed = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Queues a copy of `bytes`, waiting while the queue is full. Throws once the reader is gone.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        let copy = [UInt8](bytes)
        try locked {
            while !chunks.isEmpty && queued + copy.count > Self.capacity && !closed { pthread_cond_wait(condition, mutex) }
            if closed { throw UploadClosed() }
            chunks.append(copy)
            queued += copy.count
            written += UInt64(copy.count)
            pthread_cond_broadcast(condition)
        }
    }

    /// Releases the held-back end: the body is complete and checked.
    func finish() {
        locked {
            finished = true
            pthread_cond_broadcast(condition)
        }
    }

    /// Ends the body with `error`: the transfer aborts, and rethrows it.
    func fail(_ error: any Error) {
        locked {
            failure = error
            pthread_cond_broadcast(condition)
        }
    }

    /// The reader ends (its transfer is over): a writer waiting is let go.
    func close() {
        locked {
            closed = true
            pthread_cond_broadcast(condition)
        }
    }

    /// curl's read: fills `buffer` with what may be sent, waiting for it; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try locked {
            while true {
                if let failure { throw failure }
                // All but the last byte may go before `finish`.
                let releasable = finished ? written : (written > 0 ? written - 1 : 0)
                if read < releasable, let first = chunks.first, let target = buffer.baseAddress {
                    let count = Int(min(UInt64(buffer.count), UInt64(first.count - offset), releasable - read))
                    first.withUnsafeBytes { source in
                        if let base = source.baseAddress { target.copyMemory(from: base + offset, byteCount: count) }
                    }
                    offset += count
                    read += UInt64(count)
                    queued -= count
                    if offset == first.count {
                        chunks.removeFirst()
                        offset = 0
                        pthread_cond_broadcast(condition)
                    }
                    return count
                }
                if finished && read == written { return 0 }
                pthread_cond_wait(condition, mutex)
            }
        }
    }
}

/// The upload's reader is gone: the transfer ended before the body did.
struct UploadClosed: Error {}
