import Dispatch

/// Streams a blob to a writer while hashing it: the copy path (pack), with no knowledge of
/// what the blob should be; the caller compares the count and digest it returns with the
/// descriptor.
///
/// A file is read and hashed on a thread of its own while the caller's thread writes, through
/// a fixed ring of buffers (`pread` straight into them) taken from the ``BufferPool``. A file
/// of at most one chunk is read, hashed and written on the caller's thread: the thread and
/// its channels would cost more than the overlap saves. A provider's chunks are hashed and
/// handed to the writer as they come, on the caller's thread, with no copy.
package enum BlobTransfer {
    static let buffers = 4

    /// Copies `input` into `emit`, hashing it with `algorithm`. Hands `emit` no more than
    /// `limit` bytes: a stream that runs past it is read no further, and the count returned
    /// (then above `limit`) tells the caller so. `cancellation`, polled before each chunk is
    /// read, stops the copy with a `CancellationError`.
    package static func copy(
        _ input: BlobInput, limit: UInt64, algorithm: DigestAlgorithm, cancellation: CancellationFlag? = nil,
        into emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (bytes: UInt64, digest: Digest) {
        if case .chunks(let open) = input.kind {
            return try copy(chunks: open(), limit: limit, algorithm: algorithm, cancellation: cancellation, into: emit)
        }
        if case .stream(let write) = input.kind {
            return try copy(stream: write, limit: limit, algorithm: algorithm, cancellation: cancellation, into: emit)
        }
        let ring = BufferSet(count: buffers, size: BlobReader.defaultChunkSize)
        let opened = try BlobReader(input)
        if let expected = opened.expectedSize, expected <= UInt64(BlobReader.defaultChunkSize) {
            return try copy(opened, through: ring[0], limit: limit, algorithm: algorithm, into: emit)
        }
        let free = ChunkChannel((0..<buffers).map { .init(index: $0, count: 0) })
        let full = ChunkChannel()
        let stop = Flag()
        let reader = ReadStage(reader: UncheckedTransfer(opened), hasher: try DigestHasher(algorithm), ring: ring, cancellation: cancellation)
        let group = DispatchGroup()
        // Its own serial queue, as in InflatePipeline: a thread of its own, never starved.
        DispatchQueue(label: "manifold.copy.read").async(group: group) {
            reader.run(free: free, full: full, stop: stop)
        }
        var writeError: (any Error)?
        var emitted: UInt64 = 0
        while let chunk = full.receive() {
            if writeError == nil {
                do {
                    // A file that grew since its size was checked is cut at `limit`.
                    let room = Int(min(UInt64(chunk.count), limit - emitted))
                    if room > 0 { try emit(UnsafeRawBufferPointer(rebasing: ring[chunk.index][..<room])) }
                    emitted += UInt64(room)
                } catch {
                    writeError = error
                    stop.set()
                }
            }
            free.send(.init(index: chunk.index, count: 0))
        }
        group.wait()
        if let writeError { throw writeError }
        if let failure = reader.failure { throw failure }
        return (reader.bytes, try reader.hasher.finalize())
    }

    /// A small file, on the caller's thread: read a chunk, hash it, hand it on, until the end
    /// (a file that grew since it was sized is read to its end all the same, as on the ring).
    private static func copy(
        _ reader: BlobReader, through buffer: UnsafeMutableRawBufferPointer, limit: UInt64, algorithm: DigestAlgorithm,
        into emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (bytes: UInt64, digest: Digest) {
        var hasher = try DigestHasher(algorithm)
        var bytes: UInt64 = 0
        var emitted: UInt64 = 0
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            try hasher.update(bufferPointer: chunk)
            bytes += UInt64(count)
            let room = Int(min(UInt64(count), limit - emitted))
            if room > 0 { try emit(UnsafeRawBufferPointer(rebasing: chunk[..<room])) }
            emitted += UInt64(room)
        }
        return (bytes, try hasher.finalize())
    }

    private static func copy(
        chunks: any BlobChunkIterator, limit: UInt64, algorithm: DigestAlgorithm, cancellation: CancellationFlag?,
        into emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (bytes: UInt64, digest: Digest) {
        var iterator = chunks
        var hasher = try DigestHasher(algorithm)
        var bytes: UInt64 = 0
        while bytes <= limit, let chunk = try iterator.nextChunk() {
            if cancellation?.isCancelled == true { throw CancellationError() }
            try chunk.withUnsafeBytes { chunk in
                try hasher.update(bufferPointer: chunk)
                let room = Int(min(UInt64(chunk.count), limit - bytes))
                if room > 0 { try emit(UnsafeRawBufferPointer(rebasing: chunk[..<room])) }
            }
            bytes += UInt64(chunk.count)
        }
        return (bytes, try hasher.finalize())
    }
}

extension BlobTransfer {
    /// A pushed stream, on the provider's thread: each chunk hashed and handed on from the
    /// provider's buffer. A stream running past `limit` is stopped one chunk later: the count
    /// returned is then above `limit`, which is all the caller needs to know.
    fileprivate static func copy(
        stream write: (_ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Void, limit: UInt64,
        algorithm: DigestAlgorithm, cancellation: CancellationFlag?, into emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (bytes: UInt64, digest: Digest) {
        var hasher = try DigestHasher(algorithm)
        var bytes: UInt64 = 0
        do {
            // `emit` is only called while `write` runs.
            try withoutActuallyEscaping(emit) { emit in
                try write { chunk in
                    if cancellation?.isCancelled == true { throw CancellationError() }
                    try hasher.update(bufferPointer: chunk)
                    let room = Int(min(UInt64(chunk.count), limit - min(bytes, limit)))
                    if room > 0 { try emit(UnsafeRawBufferPointer(rebasing: chunk[..<room])) }
                    bytes += UInt64(chunk.count)
                    if bytes > limit { throw StreamStop() }
                }
            }
        } catch is StreamStop {}
        return (bytes, try hasher.finalize())
    }
}

/// Reads and hashes a file for ``BlobTransfer``.
///
/// `@unchecked Sendable`: written only by the read thread, read by the caller after
/// `DispatchGroup.wait()`, which orders the two.
private final class ReadStage: @unchecked Sendable {
    let reader: BlobReader
    let ring: BufferSet
    private(set) var hasher: DigestHasher
    private(set) var bytes: UInt64 = 0
    private(set) var failure: (any Error)?
    let cancellation: CancellationFlag?

    /// `reader` is handed over: only the read thread uses it from now on.
    init(reader: UncheckedTransfer<BlobReader>, hasher: DigestHasher, ring: BufferSet, cancellation: CancellationFlag?) {
        self.cancellation = cancellation
        self.reader = reader.value
        self.ring = ring
        self.hasher = hasher
    }

    func run(free: ChunkChannel, full: ChunkChannel, stop: Flag) {
        defer { full.close() }
        do {
            while !stop.isSet, let slot = free.receive() {
                if cancellation?.isCancelled == true { throw CancellationError() }
                let count = try reader.read(into: ring[slot.index])
                if count == 0 { break }
                try hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: ring[slot.index][..<count]))
                bytes += UInt64(count)
                full.send(.init(index: slot.index, count: count))
            }
        } catch {
            failure = error
        }
    }
}
