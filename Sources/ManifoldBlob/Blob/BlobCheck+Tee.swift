extension BlobCheck {
    /// Measures `input` as ``measure(_:)`` does and, from the same read, hands each byte to
    /// `tee` (a sink's writer) before the measurer sees it: one read feeds both. A file is
    /// still read with `pread` straight into the measurer's buffers (the tee reads them
    /// there); a provider's chunks, pulled or pushed, go to the tee and then the measurer.
    ///
    /// At most `limit` bytes (the descriptor's size) reach `tee`. A provider's stream stops
    /// being read at the first chunk that goes past it, which is still measured, so the
    /// measurement's size says the blob is too large without the rest of an endless stream
    /// being read; a file, bounded, is measured whole.
    ///
    /// Errors thrown by `tee` are rethrown as they are (a write failure is not the input's);
    /// errors reading the input are prefixed with its name, as in ``measure(_:)``.
    package func measure(_ input: BlobInput, limit: UInt64, tee: (UnsafeRawBufferPointer) throws -> Void) throws -> BlobMeasurement {
        let measurer = try BlobMeasurer(self)
        let input = try input.opened()
        var emitted: UInt64 = 0
        var teeFailure: (any Error)?
        /// Passes on what fits under `limit`; true once the input went past it.
        func pass(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
            let fits = Int(min(UInt64(bytes.count), limit - emitted))
            if fits > 0 {
                do {
                    try tee(UnsafeRawBufferPointer(rebasing: bytes[..<fits]))
                } catch {
                    teeFailure = error
                    throw error
                }
                emitted += UInt64(fits)
            }
            return fits < bytes.count
        }
        do {
            if case .chunks(let open) = input.kind {
                var iterator = try open()
                while measurer.wantsMoreInput, let chunk = try iterator.nextChunk() {
                    if cancellation?.isCancelled == true { throw CancellationError() }
                    let over = try chunk.withUnsafeBytes { bytes in
                        let over = try pass(bytes)
                        try measurer.feed(bytes)
                        return over
                    }
                    if over { break }
                }
            } else if case .stream(let write) = input.kind {
                // Pushed from the provider's own buffer (a registry's response body): to the
                // tee, then the measurer; the stream is ended past `limit`, as chunks are.
                do {
                    try write { bytes in
                        if cancellation?.isCancelled == true { throw CancellationError() }
                        guard measurer.wantsMoreInput else { throw StreamStop() }
                        let over = try pass(bytes)
                        try measurer.feed(bytes)
                        if over { throw StreamStop() }
                    }
                } catch is StreamStop {}
            } else {
                // A file's size is known and bounded: it is measured whole, as verify measures
                // it (the same report), though no more than `limit` bytes reach the tee.
                let reader = try BlobReader(input)
                measurer.expectedSize = reader.expectedSize
                while try measurer.fill({ buffer in
                    if cancellation?.isCancelled == true { throw CancellationError() }
                    let count = try reader.read(into: buffer)
                    _ = try pass(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    return count
                }) > 0 {}
                if measurer.wantsMoreInput && reader.endedEarly {
                    throw ManifoldError(.unreadable, "file ends before the blob does (\(reader.bytesRead) bytes read)")
                }
            }
            return try measurer.finish()
        } catch {
            measurer.cancel()
            if let teeFailure { throw teeFailure }
            if let error = error as? ManifoldError { throw error.prefixed(input.name) }
            if error is CancellationError { throw error }
            throw ManifoldError(.unreadable, "\(input.name): cannot read: \(error)", cause: error)
        }
    }
}
