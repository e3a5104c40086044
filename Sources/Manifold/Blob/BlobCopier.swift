import Dispatch

/// Copies a blob while hashing it: one thread reads and hashes, the caller's thread writes,
/// through a fixed ring of buffers. Throws, having written no more than the blob's bytes, when
/// the blob is not exactly the size and digest its descriptor names.
enum BlobCopier {
    static let buffers = 4

    /// `cancellation`, polled before each chunk is read, stops the copy with a
    /// `CancellationError`.
    static func copy(_ file: StoredFile, expecting descriptor: Descriptor, what: String, cancellation: Flag? = nil,
                     into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard file.size == UInt64(max(descriptor.size, 0)) else {
            throw ManifoldError(.sizeMismatch, "\(what) \(descriptor.digest.abbreviated)…: size mismatch: expected \(counted(Int(descriptor.size), "byte")), got \(file.size)")
        }
        let ring = BufferSet(count: buffers, size: BlobReader.defaultChunkSize)
        let free = ChunkChannel((0..<buffers).map { .init(index: $0, count: 0) })
        let full = ChunkChannel()
        let stop = Flag()
        let reader = ReadStage(file: file, hasher: try DigestHasher(descriptor.digest.algorithm), ring: ring, cancellation: cancellation)
        let group = DispatchGroup()
        // Its own serial queue, as in InflatePipeline: a thread of its own, never starved.
        DispatchQueue(label: "manifold.copy.read").async(group: group) {
            reader.run(free: free, full: full, stop: stop)
        }
        var writeError: (any Error)?
        while let chunk = full.receive() {
            if writeError == nil {
                do {
                    try emit(UnsafeRawBufferPointer(rebasing: ring[chunk.index][..<chunk.count]))
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
        guard reader.bytes == UInt64(descriptor.size) else {
            throw ManifoldError(.sizeMismatch, "\(what) \(descriptor.digest.abbreviated)…: size mismatch: expected \(counted(Int(descriptor.size), "byte")), read \(reader.bytes)")
        }
        let actual = try reader.hasher.finalize()
        guard actual == descriptor.digest else {
            throw ManifoldError(.digestMismatch, "\(what) \(descriptor.digest.abbreviated)…: digest mismatch: expected \(descriptor.digest), got \(actual)")
        }
    }
}

/// Reads and hashes for ``BlobCopier``.
///
/// `@unchecked Sendable`: written only by the read thread, read by the caller after
/// `DispatchGroup.wait()`, which orders the two.
private final class ReadStage: @unchecked Sendable {
    let file: StoredFile
    let ring: BufferSet
    private(set) var hasher: DigestHasher
    private(set) var bytes: UInt64 = 0
    private(set) var failure: (any Error)?
    let cancellation: Flag?

    init(file: StoredFile, hasher: DigestHasher, ring: BufferSet, cancellation: Flag?) {
        self.file = file
        self.ring = ring
        self.hasher = hasher
        self.cancellation = cancellation
    }

    func run(free: ChunkChannel, full: ChunkChannel, stop: Flag) {
        defer { full.close() }
        do {
            let reader = try BlobReader(file.input)
            while !stop.isSet, let slot = free.receive() {
                if cancellation?.isSet == true { throw CancellationError() }
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
