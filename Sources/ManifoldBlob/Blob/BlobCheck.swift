/// Streams a blob exactly once and measures it: byte count and digest of the stored bytes,
/// and, when asked, byte count and digest of the decompressed content.
///
/// Reads are whole chunks (``chunkSize``, a multiple of 64 bytes) into a fixed set of
/// buffers, so memory does not grow with the blob. For compressed content, reading and
/// hashing the stored bytes, decompressing, and hashing the decompressed bytes run as a
/// pipeline on three threads, so one large layer keeps two cores busy; a blob of at most one
/// chunk is measured on the calling thread, where the pipeline would cost more than the work.
/// The pipeline is a ``BlobMeasurer``: a file's reads fill its buffers (`pread` straight into
/// them), a content provider's chunks are fed to it as they come, and either gives the same
/// result.
public struct BlobCheck: Sendable {
    /// Whether and how to decompress.
    public enum Decompression: Sendable, Hashable {
        /// Measure the stored bytes only.
        case skip
        /// Decompress by what the magic bytes say (plain content is its own decompression).
        case sniff
        /// Decompress as declared (by a media type); content that disagrees fails.
        case declared(Compression)
    }

    /// The algorithm for the stored bytes' digest; nil skips it (saves work when only the
    /// diff_id is wanted).
    public var digestAlgorithm: DigestAlgorithm?
    public var decompression: Decompression
    /// The algorithm for the decompressed content's digest.
    public var uncompressedAlgorithm: DigestAlgorithm
    public var gzipBackend: GzipBackend
    public var limits: DecompressionLimits
    /// Bytes per read; rounded up to a multiple of 64.
    public var chunkSize: Int
    /// Called with the byte count of each chunk read, from the reading thread.
    public var progress: (@Sendable (Int) -> Void)?
    /// Polled once per chunk read: once set, ``measure(_:)`` stops reading and throws
    /// `CancellationError` (the async APIs set it when their task is cancelled).
    package var cancellation: CancellationFlag?

    public init(
        digestAlgorithm: DigestAlgorithm? = .sha256, decompression: Decompression = .skip,
        uncompressedAlgorithm: DigestAlgorithm = .sha256, gzipBackend: GzipBackend = .isal,
        limits: DecompressionLimits = .init(), chunkSize: Int = 1 << 20
    ) {
        self.digestAlgorithm = digestAlgorithm
        self.decompression = decompression
        self.uncompressedAlgorithm = uncompressedAlgorithm
        self.gzipBackend = gzipBackend
        self.limits = limits
        self.chunkSize = chunkSize
    }

    /// Reads `input` once and measures it. Throws only when the input cannot be read or an
    /// algorithm cannot be computed, with a message that begins with the input's name;
    /// corrupt compressed content is reported in ``BlobMeasurement/decompressionError``.
    public func measure(_ input: BlobInput) throws -> BlobMeasurement {
        // First, and unprefixed: a bad algorithm or chunk size is no fault of the input.
        let measurer = try BlobMeasurer(self)
        let input = try input.opened()
        do {
            if case .stream(let write) = input.kind {
                // Pushed chunks go from the provider's buffer into the measurer's, one copy.
                try measurer.feed(stream: write, cancellation: cancellation)
            } else if case .chunks(let open) = input.kind {
                // A provider's chunks go straight into the measurer; files keep `pread`.
                try measurer.feed(chunks: open(), cancellation: cancellation)
            } else {
                try measurer.feed(BlobReader(input), cancellation: cancellation)
            }
            return try measurer.finish()
        } catch let error as ManifoldError {
            throw error.prefixed(input.name)
        } catch {
            // `open` threw something of its own: name the blob all the same.
            throw ManifoldError(.unreadable, "\(input.name): cannot read: \(error)", cause: error)
        }
    }
}
