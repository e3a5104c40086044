/// Writes an oci-archive: the layout as one deterministic tar, to a temporary file renamed
/// into place on commit, or straight to a stream (standard output) that cannot be taken back.
final class TarSink: LayoutFileSink {
    private let output: OutputPath?
    private let writer: TarWriter
    private var finished = false

    init(_ output: OutputPath) throws {
        self.output = output
        writer = TarWriter(file: try output.makeTemporaryFile())
    }

    /// A tar written to an open stream, e.g. standard output (`pack -o -`).
    init(stream: OutputFile) {
        output = nil
        writer = TarWriter(file: stream)
    }

    func directory(_ path: String) throws { try writer.directory(path) }

    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try writer.regularFile(path, size: size, body: body)
    }

    func commit() throws {
        try writer.finish()
        try output?.commit()
        finished = true
    }

    /// A stream cannot be taken back; it is left without the tar's end-of-archive blocks, so
    /// a reader sees a truncated archive, never a complete one.
    func abort() {
        guard !finished else { return }
        output?.removeTemporary()
    }
}
