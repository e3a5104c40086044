extension BlobMeasurer {
    /// Feeds every chunk `iterator` hands out, each straight into ``feed(_:)``: the path for
    /// bytes a content provider supplies. ``feed(_:)`` gathers them into the pipeline's whole
    /// buffers itself, so chunks of any size give the same measurement as the file path, with
    /// one copy (into the pipeline) and no regrouping before it. Stops early when no more
    /// input is wanted. On a throw (the iterator's, named as a ``ManifoldError``) the measurer
    /// is cancelled; so it is, with a `CancellationError`, once `cancellation` is set (polled
    /// before each chunk).
    func feed(chunks iterator: any BlobChunkIterator, cancellation: CancellationFlag? = nil) throws {
        var iterator = iterator
        do {
            while wantsMoreInput, let chunk = try iterator.nextChunk() {
                if cancellation?.isCancelled == true { throw CancellationError() }
                try chunk.withUnsafeBytes { try feed($0) }
            }
        } catch {
            cancel()
            throw error
        }
    }

    /// Feeds every chunk a pushing provider hands out (``BlobInput/stream(name:write:)``),
    /// each straight into ``feed(_:)`` from the provider's own buffer. Stops the stream once
    /// no more input is wanted; cancelled and rethrowing as ``feed(chunks:cancellation:)``.
    func feed(
        stream write: (_ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Void,
        cancellation: CancellationFlag? = nil
    ) throws {
        do {
            try write { chunk in
                if cancellation?.isCancelled == true { throw CancellationError() }
                guard wantsMoreInput else { throw StreamStop() }
                try feed(chunk)
            }
        } catch is StreamStop {
            return
        } catch {
            cancel()
            throw error
        }
    }
}
