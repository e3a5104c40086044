import Dispatch
import Synchronization

/// The three stages of one ``BlobCheck`` pass:
///
///     reader (caller's thread)      inflater (own thread)         hasher (own thread)
///     read chunk, hash stored  ──►  decompress into out buffers ──►  hash decompressed
///            ▲   freeIn  ◄──────────────────┘     ▲  freeOut  ◄──────────────┘
///
/// Buffers circulate through channels, so memory is fixed at
/// `(inputBuffers + outputBuffers) × chunkSize`. Every stage keeps receiving until its input
/// channel closes, even after a failure, so no stage can block another forever.
struct BlobPipeline {
    static let inputBuffers = 3
    static let outputBuffers = 3

    let check: BlobCheck
    let chunkSize: Int

    func run(_ reader: BlobReader) throws -> BlobMeasurement {
        let buffers = BufferSet(count: Self.inputBuffers + Self.outputBuffers, size: chunkSize)
        let firstCount = try reader.read(into: buffers[0])
        check.progress?(firstCount)
        let sniffed = Compression.sniff(UnsafeRawBufferPointer(rebasing: buffers[0][..<min(firstCount, Compression.sniffLength)]))
        let compression: Compression? =
            switch check.decompression {
            case .skip: nil
            case .sniff: sniffed
            case .declared(let declared): declared
            }

        // Stored-bytes hashers. Plain content is its own decompressed content, so its
        // "uncompressed" digest comes from the same pass.
        var algorithms: [DigestAlgorithm] = []
        if let algorithm = check.digestAlgorithm { algorithms.append(algorithm) }
        if compression == Compression.plain, !algorithms.contains(check.uncompressedAlgorithm) {
            algorithms.append(check.uncompressedAlgorithm)
        }
        var stored = try algorithms.map { try Hasher($0) }

        guard let compression, let decompressor = try compression.makeDecompressor(gzipBackend: check.gzipBackend, limits: check.limits) else {
            // No decompression stage: read and hash on this thread.
            // One buffer is enough (and keeps memory down): the page cache is the read-ahead.
            var count = firstCount
            while count > 0 {
                let chunk = UnsafeRawBufferPointer(rebasing: buffers[0][..<count])
                for i in stored.indices { try stored[i].update(bufferPointer: chunk) }
                count = try reader.read(into: buffers[0])
                check.progress?(count)
            }
            try checkRegionComplete(reader)
            var measurement = BlobMeasurement(size: reader.bytesRead, sniffedCompression: sniffed, compression: compression)
            if let algorithm = check.digestAlgorithm, let index = algorithms.firstIndex(of: algorithm) {
                measurement.digest = try stored[index].finalize()
            }
            if compression == Compression.plain, let index = algorithms.firstIndex(of: check.uncompressedAlgorithm) {
                measurement.uncompressedSize = reader.bytesRead
                measurement.uncompressedDigest = try stored[index].finalize()
            }
            return measurement
        }

        let inputs = 0..<Self.inputBuffers
        let outputs = Self.inputBuffers..<(Self.inputBuffers + Self.outputBuffers)
        let freeIn = ChunkChannel(inputs.dropFirst().map { .init(index: $0, count: 0) })
        let fullIn = ChunkChannel()
        let freeOut = ChunkChannel(outputs.map { .init(index: $0, count: 0) })
        let fullOut = ChunkChannel()
        let stopReading = Flag()
        // Without a stored digest to finish, a decompression failure ends the read early.
        let readToEnd = check.digestAlgorithm != nil

        let inflater = InflaterStage(
            decompressor: UncheckedTransfer(decompressor), buffers: buffers, outputLimit: check.limits.outputLimit)
        let hasher = HasherStage(hasher: try Hasher(check.uncompressedAlgorithm), buffers: buffers)
        let group = DispatchGroup()
        // Each stage gets its own serial queue: those run on threads of their own (the
        // overcommitting pool), so blocking stages never starve each other, as they could
        // on the width-limited global concurrent queue.
        DispatchQueue(label: "manifold.inflate").async(group: group) {
            inflater.run(input: fullIn, inputDone: freeIn, output: fullOut, freeOutput: freeOut) {
                if !readToEnd { stopReading.set() }
            }
        }
        DispatchQueue(label: "manifold.hash").async(group: group) {
            hasher.run(input: fullOut, done: freeOut)
        }

        var readError: (any Error)?
        do {
            var chunk = ChunkChannel.Chunk(index: 0, count: firstCount)
            while chunk.count > 0 {
                let bytes = UnsafeRawBufferPointer(rebasing: buffers[chunk.index][..<chunk.count])
                for i in stored.indices { try stored[i].update(bufferPointer: bytes) }
                fullIn.send(chunk)
                guard !stopReading.isSet, let free = freeIn.receive() else { break }
                chunk = .init(index: free.index, count: try reader.read(into: buffers[free.index]))
                check.progress?(chunk.count)
            }
            if !stopReading.isSet { try checkRegionComplete(reader) }
        } catch {
            readError = error
        }
        fullIn.close()
        group.wait()
        if let readError { throw readError }
        if let failure = hasher.failure { throw failure }

        var measurement = BlobMeasurement(size: reader.bytesRead, sniffedCompression: sniffed, compression: compression)
        if let algorithm = check.digestAlgorithm, let index = algorithms.firstIndex(of: algorithm) {
            measurement.digest = try stored[index].finalize()
        }
        if let failure = inflater.failure {
            measurement.decompressionError = failure
        } else {
            measurement.uncompressedSize = inflater.produced
            measurement.uncompressedDigest = try hasher.hasher.finalize()
        }
        return measurement
    }

    /// A region (a blob inside an archive) must be there in full.
    private func checkRegionComplete(_ reader: BlobReader) throws {
        if reader.endedEarly {
            throw ManifoldError(.unreadable, "file ends before the blob does (\(reader.bytesRead) bytes read)")
        }
    }
}

/// Lets a non-Sendable value cross into exactly one other thread.
///
/// `@unchecked Sendable`: the creator gives the value up; only the receiving stage uses it.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A one-way boolean shared between stages.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// Decompresses input chunks into output buffers.
///
/// `@unchecked Sendable`: its mutable fields are written only by the inflater thread and
/// read by the caller after `DispatchGroup.wait()`, which orders them.
final class InflaterStage: @unchecked Sendable {
    private let decompressor: any Decompressor
    private let buffers: BufferSet
    private let outputLimit: UInt64?
    private(set) var produced: UInt64 = 0
    private(set) var failure: ManifoldError?

    init(decompressor: UncheckedTransfer<any Decompressor>, buffers: BufferSet, outputLimit: UInt64?) {
        self.decompressor = decompressor.value
        self.buffers = buffers
        self.outputLimit = outputLimit
    }

    func run(input: ChunkChannel, inputDone: ChunkChannel, output: ChunkChannel, freeOutput: ChunkChannel, onFailure: () -> Void) {
        var current = freeOutput.receive()
        var filled = 0

        /// Decompresses `bytes` completely, handing each full output buffer on.
        func pump(_ bytes: UnsafeRawBufferPointer) throws {
            var rest = bytes
            while let out = current {
                let space = UnsafeMutableRawBufferPointer(rebasing: buffers[out.index][filled...])
                let count = try decompressor.decompress(&rest, into: space)
                filled += count
                produced += UInt64(count)
                if let outputLimit, produced > outputLimit {
                    throw ManifoldError(.limitExceeded, "decompressed content exceeds the limit of \(outputLimit) bytes")
                }
                if filled == buffers.size {
                    output.send(.init(index: out.index, count: filled))
                    current = freeOutput.receive()
                    filled = 0
                }
                if rest.isEmpty && count < space.count { return }
            }
        }

        func fail(_ error: any Error) {
            failure = (error as? ManifoldError) ?? ManifoldError(.internalFailure, "\(error)")
            onFailure()
        }

        while let chunk = input.receive() {
            if failure == nil {
                do {
                    try pump(UnsafeRawBufferPointer(rebasing: buffers[chunk.index][..<chunk.count]))
                } catch {
                    fail(error)
                }
            }
            inputDone.send(.init(index: chunk.index, count: 0))
        }
        if failure == nil {
            do {
                try pump(UnsafeRawBufferPointer(start: nil, count: 0))
                try decompressor.finish()
            } catch {
                fail(error)
            }
        }
        if let out = current, filled > 0, failure == nil {
            output.send(.init(index: out.index, count: filled))
        }
        output.close()
    }
}

/// Hashes decompressed buffers.
///
/// `@unchecked Sendable`: as for ``InflaterStage``, written by one thread, read after the
/// group is waited on.
final class HasherStage: @unchecked Sendable {
    private(set) var hasher: Hasher
    private let buffers: BufferSet
    private(set) var failure: ManifoldError?

    init(hasher: Hasher, buffers: BufferSet) {
        self.hasher = hasher
        self.buffers = buffers
    }

    func run(input: ChunkChannel, done: ChunkChannel) {
        while let chunk = input.receive() {
            if failure == nil {
                do {
                    try hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffers[chunk.index][..<chunk.count]))
                } catch {
                    failure = (error as? ManifoldError) ?? ManifoldError(.internalFailure, "\(error)")
                }
            }
            done.send(.init(index: chunk.index, count: 0))
        }
    }
}
