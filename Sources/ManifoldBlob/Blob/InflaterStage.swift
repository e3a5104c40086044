/// Decompresses input chunks into output buffers: the middle stage of an ``InflatePipeline``.
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

    /// Runs until `input` closes. Once `cancelled` is set it stops decompressing (within one
    /// output buffer) but still returns every input buffer and closes `output`, so neither
    /// neighbour waits on it forever.
    func run(
        input: ChunkChannel, inputDone: ChunkChannel, output: ChunkChannel, freeOutput: ChunkChannel,
        cancelled: Flag, onFailure: () -> Void
    ) {
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
                    // A bomb turns one input chunk into gigabytes: look up between buffers.
                    if cancelled.isSet { throw ManifoldError(.internalFailure, "measurement cancelled") }
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
            if failure == nil && !cancelled.isSet {
                do {
                    try pump(UnsafeRawBufferPointer(rebasing: buffers[chunk.index][..<chunk.count]))
                } catch {
                    fail(error)
                }
            }
            inputDone.send(.init(index: chunk.index, count: 0))
        }
        if failure == nil && !cancelled.isSet {
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
