/// Copies a blob while hashing it (``BlobTransfer``), and holds it to its descriptor. Throws,
/// having written no more than the blob's bytes, when the blob is not exactly the size and
/// digest its descriptor names.
enum BlobCopier {
    /// `cancellation`, polled before each chunk is read, stops the copy with a
    /// `CancellationError`.
    static func copy(_ file: StoredFile, expecting descriptor: Descriptor, what: String, cancellation: CancellationFlag? = nil,
                     into emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard file.size == UInt64(max(descriptor.size, 0)) else {
            throw ManifoldError(.sizeMismatch, "\(what) \(descriptor.digest.abbreviated)…: size mismatch: expected \(counted(Int(descriptor.size), "byte")), got \(file.size)")
        }
        let copied = try BlobTransfer.copy(
            file.input, limit: UInt64(max(descriptor.size, 0)), algorithm: descriptor.digest.algorithm,
            cancellation: cancellation, into: emit)
        guard copied.bytes == UInt64(descriptor.size) else {
            throw ManifoldError(.sizeMismatch, "\(what) \(descriptor.digest.abbreviated)…: size mismatch: expected \(counted(Int(descriptor.size), "byte")), read \(copied.bytes)")
        }
        guard copied.digest == descriptor.digest else {
            throw ManifoldError(.digestMismatch, "\(what) \(descriptor.digest.abbreviated)…: digest mismatch: expected \(descriptor.digest), got \(copied.digest)")
        }
    }
}
