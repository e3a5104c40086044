extension ResolvedImage {
    /// Opens `reference` as the blocking `open(_:limits:)` does, from Swift concurrency:
    /// the reads run on a Dispatch thread, never on the caller's executor.
    /// Cancelling the task stops the reads at the next document; the call then throws
    /// `CancellationError`.
    ///
    /// The image's ``source`` (and its manifests') reads through the provider opened for
    /// `reference`, by way of a forwarding wrapper that only this call's cancellation affects.
    public static func open(_ reference: LocalImageReference, limits: ImageLimits = ImageLimits()) async throws -> ResolvedImage {
        try await BlockingWork.run { cancellation in
            try open(reference, limits: limits, cancellation: cancellation)
        }
    }

    /// Reads the image a content provider holds, as the blocking `open(_:reference:limits:)`
    /// does, async and cancellable.
    public static func open(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                            limits: ImageLimits = ImageLimits()) async throws -> ResolvedImage {
        try await BlockingWork.run { cancellation in
            try open(CancellableContent(base: source, cancellation: cancellation), reference: reference ?? LocalImageReference(path: source.location),
                     limits: limits)
        }
    }

    /// Opens `reference`, its reads refused once `cancellation` is set (nil: as the blocking
    /// `open(_:limits:)`). Shared by the async call and ``Packer``.
    static func open(_ reference: LocalImageReference, limits: ImageLimits, cancellation: CancellationFlag?) throws -> ResolvedImage {
        guard let cancellation else { return try open(reference, limits: limits) }
        if cancellation.isCancelled { throw CancellationError() }
        return try open(CancellableContent(base: try reference.open(limits: limits), cancellation: cancellation), reference: reference, limits: limits)
    }
}
