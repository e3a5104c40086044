extension BlobMeasurer {
    /// Feeds the whole of `reader`'s input: the file path, one feeder among others. `pread`
    /// writes straight into the pipeline's buffers (``fill(_:)``), whole chunks at fixed
    /// offsets, so a file costs no copy beyond the one out of the page cache. Stops early
    /// when no more input is wanted. On a throw the measurer is cancelled; so it is, with a
    /// `CancellationError`, once `cancellation` is set (polled before each chunk).
    func feed(_ reader: BlobReader, cancellation: CancellationFlag? = nil) throws {
        expectedSize = reader.expectedSize
        do {
            while try fill({ buffer in
                if cancellation?.isCancelled == true { throw CancellationError() }
                return try reader.read(into: buffer)
            }) > 0 {}
            // A region (a blob inside an archive) must be there in full.
            if wantsMoreInput && reader.endedEarly {
                throw ManifoldError(.unreadable, "file ends before the blob does (\(reader.bytesRead) bytes read)")
            }
        } catch {
            cancel()
            throw error
        }
    }
}
