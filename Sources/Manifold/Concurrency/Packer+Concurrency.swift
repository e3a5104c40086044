extension Packer {
    /// Packs into `options.output`, as the blocking `pack()` does, from Swift concurrency:
    /// reading, hashing and writing run on Dispatch threads, never on the caller's executor.
    ///
    /// Cancelling the task stops the copy at its next chunk, mid-layer, and aborts the output
    /// — nothing is left at `options.output` and every temporary is removed, as when the CLI
    /// is interrupted — and the call throws `CancellationError`. A pack already committed when
    /// the cancellation comes returns its result: the output is complete.
    public func pack() async throws -> PackResult {
        try await BlockingWork.run { cancellation in
            try pack(into: nil, cancellation: cancellation)
        }
    }

    /// Packs into `sink`, as the blocking `pack(into:)` does, async and cancellable: the sink
    /// is committed on success and aborted on failure or cancellation. Its methods are called
    /// from one Dispatch thread at a time; the caller hands it over (`sending`) and must not
    /// use it until this returns.
    public func pack(into sink: sending any ContentSink) async throws -> PackResult {
        let handed = HandedOver(sink)
        return try await BlockingWork.run { cancellation in
            do {
                return try pack(into: handed.sink, cancellation: cancellation)
            } catch {
                handed.sink.abort()
                throw error
            }
        }
    }
}

/// A sink the caller has given up (`sending`) for the pack to use on its thread.
///
/// `@unchecked Sendable`: the sink is not `Sendable`, but the `sending` parameter it came
/// from guarantees the caller keeps no reference it could use concurrently, and the pack
/// uses it from one thread at a time.
private struct HandedOver: @unchecked Sendable {
    let sink: any ContentSink
    init(_ sink: any ContentSink) { self.sink = sink }
}
