/// A blob or file of an image — a layer, a config, a docker-save layer path — located but not
/// yet read: either a region of a local file, read with `pread` (the fast path, on the
/// measurement's own threads), or a stream of chunks a ``ContentProvider`` supplies.
public struct StoredFile: Sendable {
    /// Its path inside the image (`blobs/sha256/…`, `manifest.json`), or how a provider names
    /// it in messages.
    public let path: String
    /// Its size as stored, as the provider knows it before reading; what is read is measured
    /// and checked against the descriptor all the same.
    public let size: UInt64
    let input: BlobInput
    /// Where the bytes physically are; two references with the same identity read the same
    /// bytes (a docker-save symlink and its target), so they are measured once.
    let identity: String

    init(path: String, size: UInt64, input: BlobInput, identity: String) {
        self.path = path
        self.size = size
        self.input = input
        self.identity = identity
    }

    /// Content a provider streams: `chunks` is called each time the blob is read and must
    /// start at its first byte. `identity` names where the bytes are (for a registry, the
    /// digest and repository), so references to the same bytes are measured once.
    public init(path: String, size: UInt64, identity: String, chunks: @escaping @Sendable () throws -> any BlobChunkIterator) {
        self.init(path: path, size: size, input: .chunks(name: path, open: chunks), identity: "chunks:\(identity)")
    }

    /// Content a provider pushes as it arrives (a registry's response body): `write` is
    /// called each time the blob is read, must start at its first byte and hands each chunk
    /// to `consume` in order, rethrowing what `consume` throws (see ``BlobInput/stream(name:write:)``).
    /// `identity` names where the bytes are, so references to the same bytes are measured once.
    public init(
        path: String, size: UInt64, identity: String,
        stream write: @escaping @Sendable (_ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) {
        self.init(path: path, size: size, input: .stream(name: path, write: write), identity: "stream:\(identity)")
    }

    /// The open file when this is all of a regular file (a layout directory's blob), which
    /// `pack --link` can link instead of copying.
    var wholeFile: OpenFile? { input.wholeRegularFile }

    /// The first `count` bytes (fewer if the file is shorter), to sniff its compression.
    func prefix(_ count: Int) throws -> [UInt8] {
        try input.read(upTo: count)
    }

    /// Reads the whole file, refusing before reading anything when it is larger than `limit`.
    func readAll(limit: Int) throws -> [UInt8] {
        guard size <= UInt64(limit) else {
            throw ManifoldError(.limitExceeded, "\(path) is \(size) bytes, above the \(limit)-byte limit for documents")
        }
        let bytes = try input.read(upTo: Int(size))
        guard bytes.count == Int(size) else {
            throw ManifoldError(.unreadable, "\(path): read \(bytes.count) of \(size) bytes")
        }
        return bytes
    }
}
