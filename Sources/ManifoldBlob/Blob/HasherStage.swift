/// Hashes decompressed buffers: the last stage of an ``InflatePipeline``.
///
/// `@unchecked Sendable`: as for ``InflaterStage``, written by one thread, read after the
/// group is waited on.
final class HasherStage: @unchecked Sendable {
    private(set) var hasher: DigestHasher
    private let buffers: BufferSet
    private(set) var failure: ManifoldError?

    init(hasher: DigestHasher, buffers: BufferSet) {
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
