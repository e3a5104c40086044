/// The files of an OCI layout, wherever they go: a directory (``DirectorySink``) or a tar
/// (``TarSink``). ``OCILayoutSink`` decides which files a layout holds; this writes them.
///
/// Everything goes to a temporary name beside the destination; ``commit()`` renames it into
/// place, ``abort()`` removes it. Files are written in the order given (a tar's members
/// keep it).
protocol LayoutFileSink: AnyObject {
    func directory(_ path: String) throws
    /// A file of exactly `size` bytes that `body` emits in chunks.
    func file(_ path: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws
    func commit() throws
    func abort()
}

extension LayoutFileSink {
    func file(_ path: String, bytes: [UInt8]) throws {
        try file(path, size: UInt64(bytes.count)) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }
}
