import Dispatch

/// Streams a blob to a writer while hashing it: the copy path (pack), with no knowledge of
/// what the blob should be; the caller compares the count and digest it returns with the
/// descriptor.
///
/// A file is read and hashed on a thread of its own while the caller's thread writes, through
/// a fixed ring of buffers (`pread` straight into them). A provider's chunks are hashed and
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
        let ring = BufferSet(count: buffers, size: BlobReader.defaultChunkSize)
        let free = ChunkChannel((0..<buffers).map { .init(index: $0, count: 0) })
        let full = ChunkChannel()
        let stop = Flag()
        let reader = ReadStage(input: input, hasher: try DigestHasher(algorithm), ring: ring, cancellation: cancellation)
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

/// Reads and hashes a file for ``BlobTransfer``.
///
/// `@unchecked Sendable`: written only by the read thread, read by the caller after
/// `DispatchGroup.wait()`, which orders the two.
private final class ReadStage: @unchecked Sendable {
    let input: BlobInput
    let ring: BufferSet
    private(set) var hasher: DigestHasher
    private(set) var bytes: UInt64 = 0
    private(set) var failure: (any Error)?
    let cancellation: CancellationFlag?

    init(input: BlobInput, hasher: DigestHasher, ring: BufferSet, cancellation: CancellationFlag?) {
        self.cancellation = cancellation
        self.input = input
        self.ring = ring
        self.hasher = hasher
    }

    func run(free: ChunkChannel, full: ChunkChannel, stop: Flag) {
        defer { full.close() }
        do {
            let reader = try BlobReader(input)
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
