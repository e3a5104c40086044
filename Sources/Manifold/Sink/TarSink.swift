/// Writes an oci-archive: the layout as one deterministic tar, to a temporary file renamed
/// into place on commit, or straight to a stream (standard output) that cannot be taken back.
final class TarSink: LayoutFileSink {
    private let output: OutputPath?
    private let writer: TarWriter
    private var finished = false
    private var ended = false

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

    /// A member whose body is left to be written later, at the offset returned, with
    /// ``write(_:at:)``.
    func reserve(_ path: String, size: UInt64) throws -> UInt64 {
        try writer.reservedFile(path, size: size)
    }

    /// Writes `bytes` into a reserved body; safe from several threads at once.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        try writer.file.write(bytes, at: offset)
    }

    /// Ends the archive (its end-of-archive blocks) without putting it in place yet.
    func end() throws {
        guard !ended else { return }
        try writer.finish()
        ended = true
    }

    func commit() throws {
        try end()
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
