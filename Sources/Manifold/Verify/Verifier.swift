#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Verifies images: every descriptor's size and digest, every document's strict decoding,
/// every layer's diff_id, for every platform, in one streaming pass per distinct blob.
///
/// Threading: the blocking `verify` returns when done, measuring `options.jobs` blobs at once
/// on threads of its own; any number of verifies may run at once. From Swift concurrency the
/// async `verify` (Verifier+Concurrency) does the same off the executor, and is cancellable.
public struct Verifier: Sendable {
    public let options: VerifyOptions

    public init(options: VerifyOptions = VerifyOptions()) {
        self.options = options
    }

    /// Verifies the image at `path` (an OCI layout directory, an oci-archive or a docker-save
    /// tar), every image it holds. Never throws: an image that cannot be used is a report with
    /// status `unusable`.
    public func verify(_ path: String, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) -> VerificationReport {
        verify(LocalImageReference(path: path), progress: progress)
    }

    /// Verifies the images `text` names, as a user wrote it (`PATH:TAG`, `oci-archive:FILE@sha256:…`);
    /// a reference that cannot be parsed is an `unusable` report.
    public func verify(parsing text: String, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) -> VerificationReport {
        do {
            return verify(try LocalImageReference(parsing: text), progress: progress)
        } catch {
            return .unusable(text, kind: nil, error: asManifoldError(error), seconds: 0)
        }
    }

    /// Verifies the images `reference` names: every image of its file, or only the one its
    /// tag or digest selects (a tag or digest naming nothing makes the report `unusable`).
    public func verify(_ reference: LocalImageReference, progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) -> VerificationReport {
        let start = monotonicSeconds()
        switch open(reference, start: start) {
        case .success(let source): return verify(source, reference: reference, progress: progress, start: start)
        case .failure(let unusable): return unusable.report
        }
    }

    /// The reference's file opened, or the report of an image that cannot be used.
    func open(_ reference: LocalImageReference, start: Double) -> Result<any ContentProvider, UnusableImage> {
        do {
            return .success(try reference.open(limits: options.limits))
        } catch {
            return .failure(UnusableImage(report: .unusable(reference.description, kind: nil, error: asManifoldError(error),
                                                            seconds: monotonicSeconds() - start)))
        }
    }

    /// Verifies the images a content provider holds — every check of a file, whoever reads
    /// the bytes. `reference`'s tag or digest selects among its roots' images (its path only
    /// names the image in the report); the default, every image.
    public func verify(_ source: any ContentProvider, reference: LocalImageReference? = nil,
                       progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)? = nil) -> VerificationReport {
        verify(source, reference: reference ?? LocalImageReference(path: source.location), progress: progress, start: monotonicSeconds())
    }

    /// The verification itself. Once `cancellation` is set the measurements stop and the
    /// report is incomplete: the async caller throws `CancellationError` instead of returning it.
    func verify(_ source: any ContentProvider, reference: LocalImageReference,
                progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)?, start: Double,
                cancellation: CancellationFlag? = nil, copy: (any MeasuredCopy)? = nil) -> VerificationReport {
        let path = reference.description
        // Measuring starts with the first blob the walk plans, on the scheduler's workers,
        // while the walk goes on here; the outcomes are indexed, so the report is the same.
        // A copy stages each blob under the limits of every descriptor naming it, known only
        // once the walk is done: its measurements start then.
        var measure: (@Sendable (Int, BlobCheck) throws -> BlobMeasurement)?
        if let copy {
            measure = { index, check in try copy.measure(index, check) }
        }
        let scheduler = MeasurementScheduler(jobs: options.jobs, progress: progress, cancellation: cancellation, measure: measure)
        defer { scheduler.abandon() }  // after finish(), nothing; on an early return, stops the workers
        var walk = VerificationWalk(source: source, options: options, scheduler: copy == nil ? scheduler : nil)
        walk.copyPlan = copy?.plan
        var walker = ImageWalker(source: source, limits: options.limits, reference: reference, platforms: options.platforms)
        walker.followsAttachedArtifacts = options.followsAttachedArtifacts
        do {
            try walker.walk(&walk)
            if reference.namesOne, walk.indexImages.isEmpty, walk.dockerImages == 0 {
                var tags: [String] = []
                for tag in walk.availableTags where !tags.contains(tag) { tags.append(tag) }
                throw reference.namesNothing(in: reference.path, tags: tags)
            }
        } catch {
            return .unusable(path, kind: source.kind, error: asManifoldError(error), seconds: monotonicSeconds() - start)
        }
        // Referrers with no index.json entry (cosign v3 `save`, `oras copy -r`): manifests left
        // in blobs/ whose subject the walk reached. Verified like the rest; not "unreferenced".
        // A pull copies what index.json lists, so it does not look for them.
        // blobs/ is listed once, for these and for the unreferenced note (thousands of names
        // in a wide layout).
        let listed = !walker.stopped ? try? source.blobPaths() : nil
        if copy == nil, let all = listed {
            let unlisted = all.filter { !walk.referencedPaths.contains($0) }
            let subjects = Set(walk.results.filter { $0.kind == .manifest || $0.kind == .index }.compactMap(\.digest))
            if !unlisted.isEmpty, !subjects.isEmpty {
                _ = try? walker.walkUnlistedReferrers(paths: unlisted, subjects: subjects, &walk)
            }
        }
        walk.finish(stopped: walker.stopped)
        if !options.platforms.isEmpty && walk.platforms.isEmpty {
            let wanted = options.platforms.map(\.description).joined(separator: ", ")
            return .unusable(path, kind: source.kind, error: ManifoldError(
                .invalidArgument, "no platform in \(path) matches \(wanted); platforms: \(platformList(walk.skippedPlatforms))"),
                seconds: monotonicSeconds() - start)
        }

        if let copy {
            copy.walked(walk.measurements, walk.references)
            for planned in walk.measurements { scheduler.submit(planned) }
        }
        // Listed while the workers measure (it needs only the walk): a wide layout's blobs/
        // holds thousands of names.
        // Past --max-descriptors, blobs not reached are not "unreferenced": no note then.
        let unreferenced = options.platforms.isEmpty ? listed.map { unreferencedBlobs($0, referenced: walk.referencedPaths) } : nil
        let outcomes = scheduler.finish()
        var results = walk.results
        for reference in walk.references {
            switch outcomes[reference.measurement] {
            case .success(let measurement):
                let check = BlobCheckResult(measurement: measurement, expectation: reference.expectation)
                for problem in check.problems { results[reference.result].fail(problem) }
                if results[reference.result].digest == nil, let digest = measurement.digest {
                    results[reference.result].digest = digest
                }
            case .failure(let error):
                results[reference.result].fail(layoutProblem(error))
            }
        }

        var signatures: SignatureReport?
        if !walk.artifacts.isEmpty || !options.keys.isEmpty || options.notation != nil {
            let check = SignatureCheck(source: source, limits: options.limits, keys: options.keys, requirement: options.requireSignature,
                                       notation: options.notation,
                                       notationRepository: options.notation == nil ? nil : NotationScope.repository(location: source.location, results: results))
            signatures = check.run(&walk.artifacts, results: &results)
        }

        // A signature listed in index.json (cosign's tag scheme, `cosign save`) is not an image.
        let imageCount = walk.indexImages.subtracting(walk.artifacts.filter { $0.path.count == 2 }.map(\.digest)).count

        var notes = walk.notes
        if let unreferenced, !unreferenced.isEmpty {
            let names = unreferenced.prefix(3).map { String($0.split(separator: "/").last?.prefix(12) ?? "") + "…" }
            notes.append("\(unreferenced.count) unreferenced blob\(unreferenced.count == 1 ? "" : "s") in blobs/ (\(names.joined(separator: ", "))\(unreferenced.count > 3 ? ", …" : ""))")
        }
        let failed = results.contains { result in
            (result.status == .failed && result.problems.contains { $0.kind != .unreadable }) || result.reason == .unsupportedAlgorithm
        }
        // A blob that is there but cannot be read (permission denied, EIO) says nothing about
        // the content: the image could not be used (exit 2), as inspect, pack and digest say,
        // unless a check failed too, which must not hide behind it.
        let unreadable = results.lazy.flatMap(\.problems).first { $0.kind == .unreadable }
        let status: VerificationReport.Status = failed ? .failed : unreadable == nil ? .verified : .unusable
        let error = status == .unusable ? unreadable.map { ManifoldError(.unreadable, $0.message) } : nil
        // The blobs read: one that could not even be opened (a layout's blobs are opened by
        // the worker that measures them) was not, as when the walk opened them itself.
        let read = walk.measurements.indices.filter { !Self.neverOpened(outcomes[$0]) }
        let bytes = read.reduce(walker.documentBytes) { $0 + walk.measurements[$1].file.size }
        return VerificationReport(
            image: path, kind: source.kind, status: status, error: error, results: results,
            images: walk.indexImages.isEmpty ? walk.dockerImages : max(imageCount, 1),
            platforms: walk.platforms, notes: notes, blobCount: read.count + walker.documentCount,
            byteCount: bytes, seconds: monotonicSeconds() - start, shallow: options.shallow, signatures: signatures)
    }

    /// Whether a measurement failed before reading anything, at the blob's open.
    private static func neverOpened(_ outcome: Result<BlobMeasurement, any Error>) -> Bool {
        guard case .failure(let error as ManifoldError) = outcome else { return false }
        return (error.cause as? SystemError)?.call == "openat"
    }

    private func unreferencedBlobs(_ all: [String], referenced: Set<String>) -> [String] {
        all.filter { !referenced.contains($0) }.sorted()
    }
}

/// The platforms an image has, for the error a `--platform` matching none of them gets (the
/// same words in verify, inspect and pack).
package func platformList(_ platforms: [String]) -> String {
    platforms.isEmpty ? "none" : platforms.joined(separator: ", ")
}

func asManifoldError(_ error: any Error) -> ManifoldError {
    (error as? ManifoldError) ?? ManifoldError(.internalFailure, "\(error)")
}

