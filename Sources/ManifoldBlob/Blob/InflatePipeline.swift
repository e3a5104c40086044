import Dispatch

/// The two stages of a ``BlobMeasurer`` that run on threads of their own, and the channels
/// that link them to the feeder:
///
///     feeder (caller's thread)       inflater (own thread)          hasher (own thread)
///     fill chunk, hash stored  ──►  decompress into out buffers ──►  hash decompressed
///            ▲   freeIn  ◄──────────────────┘     ▲  freeOut  ◄──────────────┘
///
/// Buffers circulate through channels, so memory is fixed at
/// `(inputBuffers + outputBuffers) × chunkSize`, and a feeder that outruns the inflater waits
/// for a free input buffer. Every stage keeps receiving until its input channel closes, even
/// after a failure, so no stage can block another forever. Used by one feeder thread.
final class InflatePipeline {
    static let inputBuffers = 3
    static let outputBuffers = 3

    private let freeIn: ChunkChannel
    private let fullIn = ChunkChannel()
    private let stopFeeding = Flag()
    private let cancelled = Flag()
    private let inflater: InflaterStage
    private let hasher: HasherStage
    private let group: DispatchGroup
    private var ended = false

    /// Starts the inflater and hasher threads on `group`. Input buffer 0 of `buffers` is the
    /// feeder's; the other input buffers start free. When `readToEnd` is false (no stored
    /// digest to finish), a decompression failure asks the feeder to stop.
    init(buffers: BufferSet, decompressor: any Decompressor, outputLimit: UInt64?,
         algorithm: DigestAlgorithm, readToEnd: Bool, group: DispatchGroup) throws
    {
        let inputs = 0..<Self.inputBuffers
        let outputs = Self.inputBuffers..<(Self.inputBuffers + Self.outputBuffers)
        freeIn = ChunkChannel(inputs.dropFirst().map { .init(index: $0, count: 0) })
        let freeOut = ChunkChannel(outputs.map { .init(index: $0, count: 0) })
        let fullOut = ChunkChannel()
        inflater = InflaterStage(decompressor: UncheckedTransfer(decompressor), buffers: buffers, outputLimit: outputLimit)
        hasher = HasherStage(hasher: try DigestHasher(algorithm), buffers: buffers)
        self.group = group
        // Each stage gets its own serial queue: those run on threads of their own (the
        // overcommitting pool), so blocking stages never starve each other, as they could
        // on the width-limited global concurrent queue. The closures hold the stages and
        // channels, never `self`, so dropping the pipeline can still cancel it (deinit).
        DispatchQueue(label: "manifold.inflate").async(group: group) {
            [inflater = self.inflater, freeIn = self.freeIn, fullIn = self.fullIn, cancelled = self.cancelled, stopFeeding = self.stopFeeding] in
            inflater.run(input: fullIn, inputDone: freeIn, output: fullOut, freeOutput: freeOut, cancelled: cancelled) {
                if !readToEnd { stopFeeding.set() }
            }
        }
        DispatchQueue(label: "manifold.hash").async(group: group) { [hasher = self.hasher] in
            hasher.run(input: fullOut, done: freeOut)
        }
    }

    deinit { cancel() }

    /// False once decompression failed and the stored bytes need no more reading.
    var wantsInput: Bool { !stopFeeding.isSet }

    /// Hands a filled input buffer to the inflater.
    func send(_ chunk: ChunkChannel.Chunk) {
        fullIn.send(chunk)
    }

    /// The next free input buffer, waiting for the inflater to release one: this wait is the
    /// back-pressure on the feeder. Nil when no more input is wanted.
    func nextFree() -> Int? {
        guard !stopFeeding.isSet, let free = freeIn.receive() else { return nil }
        return free.index
    }

    /// Declares the end of input and waits for both stages. Returns the decompressed size
    /// and digest, or the decompression failure; throws when the hasher failed.
    func finish() throws -> Result<(size: UInt64, digest: Digest), ManifoldError> {
        end()
        if let failure = hasher.failure { throw failure }
        if let failure = inflater.failure { return .failure(failure) }
        let digest = try hasher.hasher.finalize()
        return .success((size: inflater.produced, digest: digest))
    }

    /// Stops both stages as soon as they can and waits for their threads to return.
    func cancel() {
        cancelled.set()
        end()
    }

    private func end() {
        guard !ended else { return }
        ended = true
        fullIn.close()
        group.wait()
    }
}
