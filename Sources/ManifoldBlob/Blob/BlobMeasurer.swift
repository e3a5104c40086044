import Dispatch

/// Measures a blob from chunks that whoever reads it supplies — a file, a socket, a tar
/// member — and gives the same ``BlobMeasurement`` as ``BlobCheck/measure(_:)``: size and
/// digest of the stored bytes, compression sniffed and used, size and digest of the
/// decompressed content (a layer's diff_id), and why decompression failed when it did.
///
/// Feed it with ``feed(_:)`` (copies the chunk) or ``fill(_:)`` (lets a reader write
/// straight into the measurer's own buffer, as the file path does with `pread`), then call
/// ``finish()``. Bytes are gathered into whole chunks of ``chunkSize`` bytes, so the stages
/// see the same chunks whatever the feeding, and the result does not depend on it.
///
/// For compressed content the work is a pipeline: the feeding thread hashes the stored bytes
/// (they are hot in its cache), one thread inflates, another hashes the inflated bytes. A
/// blob that ends within its first chunk is small enough that the pipeline would cost more
/// than it saves: it is inflated and hashed on the feeding thread instead
/// (``InlineInflater``), with the same result. The buffers are a fixed set taken once per
/// blob from a pool reused across blobs, so memory does not grow with the blob; when the
/// inflater falls behind, `feed` and `fill` wait for a free buffer (back-pressure). A
/// decompression failure stops the inflater; the stored digest still completes when one is
/// wanted, and when none is, ``wantsMoreInput`` turns false so the feeder can stop reading.
///
/// Threading: use a measurer from one thread at a time. `feed`, `fill` and `finish` may
/// block on the pipeline, so call them where blocking is allowed (a thread of your own or a
/// Dispatch queue, not a Swift concurrency executor). After ``finish()``, ``cancel()``,
/// a throwing `feed`/`fill`, or deinit, no thread of the measurer is left running.
public final class BlobMeasurer {
    /// Bytes per pipeline buffer: ``BlobCheck/chunkSize`` rounded up to a multiple of 64.
    /// ``fill(_:)`` offers at most this many bytes at once.
    public let chunkSize: Int

    /// What the first chunk decided: stored-bytes hashers and whether to inflate.
    private struct Plan {
        let sniffed: Compression
        let compression: Compression?
        let algorithms: [DigestAlgorithm]
    }

    private enum State { case open, finished, cancelled }

    private let check: BlobCheck
    private let buffers: BufferSet
    /// The threads of the pipeline, once started; a test waits on it.
    let stageGroup = DispatchGroup()
    private var plan: Plan?
    private var stored: [DigestHasher] = []
    private var pipeline: InflatePipeline?
    private var inline: InlineInflater?
    /// Inflate on the feeding thread whatever the blob's size (tests compare the two paths).
    private let alwaysInline: Bool
    /// The blob's size when the feeder knows it in advance (a file): a blob of one chunk or
    /// less is then inflated on the feeding thread even when it fills its first chunk exactly.
    var expectedSize: UInt64?
    /// The input buffer being filled (nil: wait for a free one), and how far.
    private var current: Int? = 0
    private var filled = 0
    private var size: UInt64 = 0
    private var state = State.open

    /// A measurer that measures as `check` says. Throws when an algorithm cannot be computed
    /// or the chunk size is not positive. Nothing runs until the first chunk is full.
    public convenience init(_ check: BlobCheck) throws {
        try self.init(check, alwaysInline: false)
    }

    /// As ``init(_:)``; with `alwaysInline`, compressed content is inflated on the feeding
    /// thread even when it spans many chunks.
    init(_ check: BlobCheck, alwaysInline: Bool) throws {
        for algorithm in [check.digestAlgorithm, check.uncompressedAlgorithm].compactMap({ $0 }) where !algorithm.isVerifiable {
            throw ManifoldError(.unsupportedAlgorithm, "digest algorithm \(algorithm) is not supported (only sha256 and sha512)")
        }
        guard check.chunkSize > 0 else {
            throw ManifoldError(.invalidArgument, "chunk size must be positive, got \(check.chunkSize)")
        }
        self.check = check
        self.alwaysInline = alwaysInline
        chunkSize = (check.chunkSize + 63) / 64 * 64
        buffers = BufferSet(count: InflatePipeline.inputBuffers + InflatePipeline.outputBuffers, size: chunkSize)
    }

    /// Whether inflating runs on the pipeline's threads (false: on the feeding thread, or
    /// nothing to inflate, or not started yet).
    var isPipelined: Bool { pipeline != nil }

    /// False once the rest of the blob cannot change the measurement: decompression failed
    /// and no stored digest was asked for. A feeder may stop reading then; further input is
    /// ignored. Also false after ``finish()`` or ``cancel()``.
    public var wantsMoreInput: Bool {
        state == .open && (pipeline?.wantsInput ?? true) && (inline?.wantsInput ?? true)
    }

    /// Takes the next bytes of the blob, copying them into the pipeline's buffers. Waits
    /// while every buffer is in use. On a throw the measurer is cancelled.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws {
        try requireOpen()
        check.progress?(chunk.count)
        var rest = chunk
        do {
            while !rest.isEmpty, let index = try acquire() {
                let count = min(rest.count, chunkSize - filled)
                UnsafeMutableRawBufferPointer(rebasing: buffers[index][filled..<(filled + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[..<count]))
                filled += count
                rest = UnsafeRawBufferPointer(rebasing: rest[count...])
                if filled == chunkSize { try commit() }
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Lets `read` write the next bytes of the blob straight into a pipeline buffer, with no
    /// copy: `read` gets the free part of the current buffer (at most ``chunkSize`` bytes,
    /// never empty) and returns how many bytes it wrote there, 0 at the end of the blob.
    /// Returns that count, or 0 without calling `read` when no more input is wanted
    /// (``wantsMoreInput``). Waits while every buffer is in use. When `read` throws, the
    /// measurer is cancelled and the error rethrown.
    @discardableResult
    public func fill(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int {
        try requireOpen()
        do {
            guard let index = try acquire() else { return 0 }
            let space = UnsafeMutableRawBufferPointer(rebasing: buffers[index][filled...])
            let count = try read(space)
            guard count >= 0 && count <= space.count else {
                throw ManifoldError(.invalidArgument, "fill: the reader reported \(count) bytes written into a \(space.count)-byte buffer")
            }
            check.progress?(count)
            filled += count
            if filled == chunkSize { try commit() }
            return count
        } catch {
            abandon()
            throw error
        }
    }

    /// Ends the blob: waits for the pipeline to drain and returns the measurement. Throws
    /// when a hash could not be computed; corrupt or refused compressed content is reported
    /// in ``BlobMeasurement/decompressionError`` instead.
    public func finish() throws -> BlobMeasurement {
        try requireOpen()
        state = .finished
        let plan: Plan
        let inflated: Result<(size: UInt64, digest: Digest), ManifoldError>?
        do {
            try commit(atEnd: true)  // the last, partly filled buffer (and, for a short blob, the start)
            guard let started = self.plan else { throw ManifoldError(.internalFailure, "measurement was not started") }
            plan = started
            if let pipeline {
                inflated = try pipeline.finish()
            } else {
                inflated = try inline?.finish()
            }
        } catch {
            pipeline?.cancel()
            throw error
        }
        var measurement = BlobMeasurement(size: size, sniffedCompression: plan.sniffed, compression: plan.compression)
        if let algorithm = check.digestAlgorithm, let index = plan.algorithms.firstIndex(of: algorithm) {
            measurement.digest = try stored[index].finalize()
        }
        switch inflated {
        case .some(.failure(let failure)):
            measurement.decompressionError = failure
        case .some(.success(let content)):
            measurement.uncompressedSize = content.size
            measurement.uncompressedDigest = content.digest
        case .none:
            if plan.compression == Compression.plain, let index = plan.algorithms.firstIndex(of: check.uncompressedAlgorithm) {
                measurement.uncompressedSize = size
                measurement.uncompressedDigest = try stored[index].finalize()
            }
        }
        return measurement
    }

    /// Abandons the measurement: the stages stop as soon as they can, and this returns once
    /// their threads have. `feed`, `fill` and `finish` throw afterwards. Does nothing after
    /// ``finish()``. Dropping an unfinished measurer does the same.
    public func cancel() {
        guard state == .open else { return }
        abandon()
    }

    private func abandon() {
        state = .cancelled
        pipeline?.cancel()
    }

    private func requireOpen() throws {
        switch state {
        case .open: return
        case .finished: throw ManifoldError(.invalidArgument, "the blob measurement is already finished")
        case .cancelled: throw ManifoldError(.invalidArgument, "the blob measurement was cancelled")
        }
    }

    /// The buffer to fill: the current one, or the next one the inflater frees. Nil once no
    /// more input is wanted.
    private func acquire() throws -> Int? {
        if let current { return current }
        guard let pipeline else { throw ManifoldError(.internalFailure, "no buffer to fill") }
        current = pipeline.nextFree()
        return current
    }

    /// Hashes the filled part of the current buffer as stored bytes and hands it to the
    /// inflater. The first call decides the rest from the first chunk, as the file path does:
    /// by then the buffer is full, or the blob is shorter than a chunk.
    private func commit(atEnd: Bool = false) throws {
        if plan == nil { try start(atEnd: atEnd) }
        guard let index = current, filled > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: buffers[index][..<filled])
        for i in stored.indices { try stored[i].update(bufferPointer: bytes) }
        size += UInt64(filled)
        filled = 0
        if let pipeline {
            pipeline.send(.init(index: index, count: bytes.count))
            current = nil
        } else if let inline {
            try inline.take(bytes)  // buffer 0 is free again when this returns
        }
    }

    /// Sniffs the first chunk (in buffer 0), makes the stored-bytes hashers and, for
    /// compressed content, starts the inflater and hasher threads — or, when the blob ended
    /// within this chunk (`atEnd`), an inflater on this thread.
    private func start(atEnd: Bool) throws {
        let sniffed = Compression.sniff(UnsafeRawBufferPointer(rebasing: buffers[0][..<min(filled, Compression.sniffLength)]))
        let compression: Compression? =
            switch check.decompression {
            case .skip: nil
            case .sniff: sniffed
            case .declared(let declared): declared
            }
        // Plain content is its own decompressed content, so its "uncompressed" digest comes
        // from the stored-bytes pass, with no thread started.
        var algorithms: [DigestAlgorithm] = []
        if let algorithm = check.digestAlgorithm { algorithms.append(algorithm) }
        if compression == Compression.plain, !algorithms.contains(check.uncompressedAlgorithm) {
            algorithms.append(check.uncompressedAlgorithm)
        }
        stored = try algorithms.map { try DigestHasher($0) }
        if let compression, let decompressor = try compression.makeDecompressor(gzipBackend: check.gzipBackend, limits: check.limits) {
            if atEnd || alwaysInline || (expectedSize ?? .max) <= UInt64(chunkSize) {
                inline = try InlineInflater(
                    decompressor: decompressor, output: buffers[InflatePipeline.inputBuffers], outputLimit: check.limits.outputLimit,
                    algorithm: check.uncompressedAlgorithm, readToEnd: check.digestAlgorithm != nil,
                    cancellation: check.cancellation)
            } else {
                pipeline = try InflatePipeline(
                    buffers: buffers, decompressor: decompressor, outputLimit: check.limits.outputLimit,
                    algorithm: check.uncompressedAlgorithm, readToEnd: check.digestAlgorithm != nil, group: stageGroup)
            }
        }
        plan = Plan(sniffed: sniffed, compression: compression, algorithms: algorithms)
    }
}
