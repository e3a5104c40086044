/// Copies an image from any ``ContentProvider`` to a layout directory or an oci-archive,
/// checking everything `verify` checks on the bytes as they are written: the walk is
/// verify's (``VerificationWalk``, the same results and report), and each blob is measured
/// while it is written (``BlobStaging``: one read feeds the measurer and the file). The
/// output appears, atomically, only when the report passed; otherwise nothing is left.
///
/// Documents are put exactly as read; with `--platform`, an index that lists platforms left
/// out is rewritten to list only those kept (the kept manifests keep their digests), as
/// skopeo does when it copies one platform of a multi-platform image.
///
/// Threading: the blocking `pull` returns when done, measuring `options.verify.jobs` blobs at
/// once on threads of its own. The async `pull` (ImagePuller+Concurrency) is cancellable.
public struct ImagePuller: Sendable {
    public let options: PullOptions

    public init(options: PullOptions) {
        self.options = options
    }

    /// Pulls the images `reference` names from `source` (its tag or digest selects among the
    /// source's roots; the default, every image). Throws when the output cannot be written
    /// (it exists without `force`, a write fails); a source that fails a check is a result
    /// whose report says so, with nothing written.
    public func pull(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                     progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) throws -> PullResult {
        try pull(source, reference: reference ?? LocalImageReference(path: source.location), progress: progress, cancellation: nil)
    }

    /// The pull itself; once `cancellation` is set, measuring stops and `CancellationError`
    /// is thrown, leaving nothing.
    func pull(_ source: any ContentProvider, reference: LocalImageReference,
              progress: (@Sendable (UInt64, UInt64) -> Void)?, cancellation: CancellationFlag?) throws -> PullResult {
        let start = monotonicSeconds()
        try options.validate()
        if source.kind == .dockerArchive {
            // Its OCI manifests are implied, not stored: pack synthesizes them; pull does not yet.
            throw ManifoldError(.unsupportedFormat, "pull from a docker save archive is not supported yet; `manifold pack` converts one to an OCI layout")
        }
        let format = options.resolvedFormat
        let output = try OutputPath(options.output, kind: format == .tar ? .file : .layout, force: options.force)
        let staging = try BlobStaging(beside: options.output)
        defer { staging.remove() }
        let verifier = Verifier(options: options.verify)
        let report = verifier.verify(source, reference: reference, progress: progress, start: start,
                                     cancellation: cancellation, copy: staging)
        if cancellation?.isCancelled == true { throw CancellationError() }
        guard report.status == .verified else {
            return PullResult(report: report, output: nil, format: format, roots: [], rewritten: [], dropped: staging.plan.droppedPlatforms,
                              blobCount: 0, byteCount: 0, linked: 0, seconds: monotonicSeconds() - start)
        }
        var assembly = PullAssembly(plan: staging.plan, staging: staging)
        let roots = try assembly.collect(tag: options.tag)
        let sink = OCILayoutSink(format == .tar ? try TarSink(output) : try DirectorySink(output))
        let linked: Int
        do {
            linked = try assembly.write(into: sink, link: format == .dir, roots: roots, cancellation: cancellation)
        } catch {
            sink.abort()
            throw error
        }
        return PullResult(
            report: report, output: options.output, format: format, roots: roots.map(\.written), rewritten: assembly.rewritten,
            dropped: staging.plan.droppedPlatforms, blobCount: assembly.count, byteCount: assembly.bytes, linked: linked,
            seconds: monotonicSeconds() - start)
    }
}
