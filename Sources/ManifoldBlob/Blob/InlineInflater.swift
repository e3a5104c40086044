/// Decompresses and hashes a blob on the feeding thread: what ``BlobMeasurer`` does for a
/// small blob instead of starting an ``InflatePipeline``.
///
/// For a blob of a few kilobytes, starting two threads, their channels and their buffers
/// costs more than the work itself, and with many blobs to measure the other cores are
/// busy with other blobs anyway. The decompressor sees the same input chunks and the same
/// output buffer size as the pipeline's inflater, and fails the same way at the same point
/// (limit checked after every call, the first failure kept), so the measurement is the same.
final class InlineInflater {
    private let decompressor: any Decompressor
    /// The one output buffer, hashed each time it fills.
    private let output: UnsafeMutableRawBufferPointer
    private let outputLimit: UInt64?
    private let readToEnd: Bool
    /// The measurer's: a bomb within one input chunk inflates to gigabytes in one `take`, so
    /// it is polled between output buffers, as ``InflaterStage`` polls its own flag.
    private let cancellation: CancellationFlag?
    private var hasher: DigestHasher
    private var filled = 0
    private(set) var produced: UInt64 = 0
    private(set) var failure: ManifoldError?

    /// `output` must stay valid while this lives. When `readToEnd` is false (no stored digest
    /// to finish), a decompression failure makes ``wantsInput`` false.
    init(decompressor: any Decompressor, output: UnsafeMutableRawBufferPointer, outputLimit: UInt64?,
         algorithm: DigestAlgorithm, readToEnd: Bool, cancellation: CancellationFlag? = nil) throws
    {
        self.decompressor = decompressor
        self.output = output
        self.outputLimit = outputLimit
        self.readToEnd = readToEnd
        self.cancellation = cancellation
        hasher = try DigestHasher(algorithm)
    }

    /// False once decompression failed and the stored bytes need no more reading.
    var wantsInput: Bool { readToEnd || failure == nil }

    /// Decompresses `bytes` completely and hashes what comes out. A decompression failure is
    /// kept (``failure``), and later input ignored; throws when hashing fails, or
    /// `CancellationError` once `cancellation` is set (checked after each full output buffer).
    func take(_ bytes: UnsafeRawBufferPointer) throws {
        guard failure == nil else { return }
        try pump(bytes)
    }

    /// Declares the end of input. Returns the decompressed size and digest, or the
    /// decompression failure; throws when hashing failed, or when cancelled as `take`.
    func finish() throws -> Result<(size: UInt64, digest: Digest), ManifoldError> {
        if failure == nil {
            try pump(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        if failure == nil {
            do {
                try decompressor.finish()
            } catch {
                fail(error)
            }
        }
        if let failure { return .failure(failure) }
        try hashOutput()
        return .success((size: produced, digest: try hasher.finalize()))
    }

    /// As the pipeline's inflater: decompress until the input is used up and the output
    /// buffer is not full; hash each full buffer.
    private func pump(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while true {
            let space = UnsafeMutableRawBufferPointer(rebasing: output[filled...])
            let count: Int
            do {
                count = try decompressor.decompress(&rest, into: space)
                filled += count
                produced += UInt64(count)
                if let outputLimit, produced > outputLimit {
                    throw ManifoldError(.limitExceeded, "decompressed content exceeds the limit of \(outputLimit) bytes")
                }
            } catch {
                fail(error)
                return
            }
            if filled == output.count {
                try hashOutput()
                if cancellation?.isCancelled == true { throw CancellationError() }
            }
            if rest.isEmpty && count < space.count { return }
        }
    }

    private func hashOutput() throws {
        guard filled > 0 else { return }
        try hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: output[..<filled]))
        filled = 0
    }

    private func fail(_ error: any Error) {
        failure = (error as? ManifoldError) ?? ManifoldError(.internalFailure, "\(error)")
    }
}
