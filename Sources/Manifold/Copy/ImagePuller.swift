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
        // What verify finds attached in blobs/ alone goes with the image like what index.json lists.
        let source: any ContentProvider = options.carriesSignatures ? UnlistedReferrerListing(source, limits: options.verify.limits) : source
        if source.kind == .dockerArchive {
            // Its OCI manifests are implied, not stored: pack synthesizes them; pull does not yet.
            throw ManifoldError(.unsupportedFormat, "pull from a docker save archive is not supported yet; `manifold pack` converts one to an OCI layout")
        }
        let format = options.resolvedFormat
        // Before anything sweeps them: the blobs a killed pull of this output had completed.
        let harvest = StagingHarvest(beside: options.output)
        // An OCI layout at OUT (and no --force to replace it) is added to: what it holds
        // already is read from it, not from the source, and kept.
        let existing: ExistingLayoutOverlay? = format == .dir && !options.force && OutputPath.isLayoutDirectory(options.output)
            ? ExistingLayoutOverlay(source: source, layout: try Self.openLayout(options.output, limits: options.verify.limits)) : nil
        if existing != nil { ExistingLayoutSink.sweep(options.output) }
        let output = existing == nil ? try OutputPath(options.output, kind: format == .tar ? .file : .layout, force: options.force) : nil
        var alreadyThere: (@Sendable (Digest) -> Bool)?
        if let reused = existing?.reused {
            alreadyThere = { digest in reused.withLock { $0.contains(digest) } }
        }
        // An oci-archive gets each blob written once, into the temporary tar at its place.
        let placement = format == .tar ? output.map { TarPlacement(output: $0, tag: options.tag, carriesAttached: options.carriesSignatures) } : nil
        let staging = try BlobStaging(beside: options.output, alreadyThere: alreadyThere, placement: placement, harvest: harvest)
        defer { staging.remove() }
        // A layout holding one image and what is attached to it: that image (by digest), its
        // signatures followed from it, as push selects it.
        let reference = AttachedArtifacts.selectingTheImage(reference, in: source, limits: options.verify.limits)
        // The walk follows what is attached to the image only to carry it.
        var verify = options.verify
        verify.followsAttachedArtifacts = options.carriesSignatures
        let verifier = Verifier(options: verify)
        let report = verifier.verify(existing ?? source, reference: reference, progress: progress, start: start,
                                     cancellation: cancellation, copy: staging)
        if cancellation?.isCancelled == true {
            placement?.abort()
            throw CancellationError()
        }
        guard report.status == .verified else {
            placement?.abort()
            return PullResult(report: report, output: nil, format: format, roots: [], rewritten: [], dropped: staging.plan.droppedPlatforms,
                              blobCount: 0, byteCount: 0, linked: 0, addedTo: false, reused: 0, seconds: monotonicSeconds() - start)
        }
        if let placed = staging.placement, let laidOut = placed.laidOut {
            do {
                try placed.commit()
            } catch {
                placed.abort()
                throw error
            }
            var result = PullResult(
                report: report, output: options.output, format: format, roots: placed.roots.filter { !$0.attached }.map(\.written),
                rewritten: laidOut.rewritten, dropped: staging.plan.droppedPlatforms, blobCount: laidOut.count, byteCount: laidOut.bytes,
                linked: 0, addedTo: false, reused: 0, seconds: monotonicSeconds() - start)
            result.attached = placed.roots.filter(\.attached).map(\.written)
            result.leftBehind = laidOut.leftBehind
            return result
        }
        var assembly = PullAssembly(plan: staging.plan, staging: staging, carriesAttached: options.carriesSignatures)
        let roots = try assembly.collect(tag: options.tag)
        let reused = existing?.reused.withLock { $0 } ?? []
        let files: any LayoutFileSink = if let output {
            format == .tar ? try TarSink(output) : try DirectorySink(output)
        } else {
            try ExistingLayoutSink(options.output, keeping: Set(reused.map(\.layoutPath)))
        }
        let sink = OCILayoutSink(files)
        let linked: Int
        do {
            linked = try assembly.write(into: sink, link: format == .dir, roots: roots, cancellation: cancellation)
        } catch {
            sink.abort()
            throw error
        }
        var result = PullResult(
            report: report, output: options.output, format: format, roots: roots.filter { !$0.attached }.map(\.written),
            rewritten: assembly.rewritten,
            dropped: staging.plan.droppedPlatforms, blobCount: assembly.count, byteCount: assembly.bytes, linked: linked,
            addedTo: existing != nil, reused: reused.count, seconds: monotonicSeconds() - start)
        result.recovered = harvest?.recovered ?? 0
        result.attached = roots.filter(\.attached).map(\.written)
        result.leftBehind = assembly.leftBehind
        return result
    }

    /// The OCI layout a pull adds to.
    private static func openLayout(_ path: String, limits: ImageLimits) throws -> any ContentProvider {
        let layout = try LocalImageReference(path: path).open(limits: limits)
        guard layout.kind == .ociLayout else {
            throw ManifoldError(.outputExists, "\(path) exists and is not an OCI layout; give --force to replace it")
        }
        return layout
    }
}
