/// Where a blob's bytes come from: a file, a region of an open file (a member of a tar
/// archive), or standard input.
public struct BlobInput: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case path(String)
        case region(OpenFile, offset: UInt64, length: UInt64)
        /// A whole file located but not opened: `open` opens it each time it is read.
        case deferred(@Sendable () throws -> OpenFile)
        case standardInput
        /// Chunks a content provider supplies; opened when read.
        case chunks(@Sendable () throws -> any BlobChunkIterator)
        /// Bytes a content provider pushes: `write` hands each chunk, in order, to the
        /// consumer's closure while it runs (a network body straight from the receive buffer).
        case stream(@Sendable (_ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Void)
    }

    let kind: Kind
    /// How the input is named in messages.
    public let name: String

    /// The whole file at `path`. A regular file is read with `pread`; a pipe or character
    /// device (`/dev/stdin`, `<(…)`) is read as a stream.
    public static func file(_ path: String) -> BlobInput {
        BlobInput(kind: .path(path), name: path)
    }

    /// Standard input, read as a stream.
    public static var standardInput: BlobInput {
        BlobInput(kind: .standardInput, name: "-")
    }

    /// `length` bytes of an open file from `offset`: a blob stored inside an archive.
    package static func region(of file: OpenFile, offset: UInt64, length: UInt64, name: String) -> BlobInput {
        BlobInput(kind: .region(file, offset: offset, length: length), name: name)
    }

    /// The whole file `open` opens, called when the input is read (on the thread that reads
    /// it) and closed once read: a layout's blobs are located by the walk and opened by the
    /// measurement, so a wide image never holds a descriptor per blob (thousands of blobs
    /// would exhaust a 1,024-descriptor limit) and the walk makes no open per blob. `open`
    /// throws errors that name the file: they are passed on unprefixed.
    package static func deferred(name: String, open: @escaping @Sendable () throws -> OpenFile) -> BlobInput {
        BlobInput(kind: .deferred(open), name: name)
    }

    /// Bytes a content provider supplies as chunks (a registry's response body, memory).
    /// `open` is called once per read of the blob and must start at its first byte.
    public static func chunks(name: String, open: @escaping @Sendable () throws -> any BlobChunkIterator) -> BlobInput {
        BlobInput(kind: .chunks(open), name: name)
    }

    /// Bytes a content provider pushes as they arrive: `write` is called once per read of the
    /// blob, must start at its first byte and hands every chunk, in order, to `consume`, which
    /// uses it before returning (no copy is kept, so the chunk may live in the provider's own
    /// receive buffer). An error thrown by `consume` must be rethrown by `write` unchanged: it
    /// is how the consumer stops the stream early. For sources that push (libcurl's write
    /// callback), where a pull-style ``BlobChunkIterator`` would cost a thread and a copy per chunk.
    public static func stream(
        name: String, write: @escaping @Sendable (_ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) -> BlobInput {
        BlobInput(kind: .stream(write), name: name)
    }

    public var description: String { name }
}
