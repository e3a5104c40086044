/// Writes an oci-archive: the layout as one deterministic tar, to a temporary file renamed
/// into place on commit.
final class TarSink: ImageSink {
    private let output: OutputPath
    private let writer: TarWriter
    private var finished = false

    init(_ output: OutputPath) throws {
        self.output = output
        writer = TarWriter(file: try OutputFile(creating: output.temporaryName, in: output.parent, display: output.path))
    }

    func directory(_ path: String) throws { try writer.directory(path) }

    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try writer.regularFile(path, size: size, body: body)
    }

    func link(_ path: String, to source: StoredFile) throws -> LinkMethod? { nil }

    func commit() throws {
        try writer.finish()
        try output.commit()
        finished = true
    }

    func abort() {
        guard !finished else { return }
        output.removeTree(output.temporaryName)
    }
}
