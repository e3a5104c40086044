#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a pull writes blobs while it measures them: one file per planned measurement in a
/// temporary directory beside the output (registered with ``TemporaryOutputs``, so an
/// interrupt removes it), written by the measuring threads at once, each to its own file.
///
/// Why stage rather than write into the sink: a ``ContentSink`` is used by one thread at a
/// time and an oci-archive is one stream, while `--jobs` blobs arrive at once; and nothing
/// may reach the output before every check passed. So each blob is teed into its own file
/// as it is measured (one read of the provider's bytes), and only when the report passed
/// are the staged files put into the sink, in digest order: hard-linked into a directory
/// output, copied into a tar. An oci-archive output is not staged at all when it can be
/// laid out once the walk is done (``TarPlacement``: each blob written once, at its place
/// in the temporary tar); the files are the fallback.
///
/// `@unchecked Sendable`: `limits` and `planned` are set once by ``walked(_:_:)`` before the
/// measuring threads start and only read by them; each thread writes its own file.
final class BlobStaging: @unchecked Sendable {
    let plan = CopyPlan()
    private let staging: OutputPath
    private let directory: Int32
    private var planned: [PlannedMeasurement] = []
    /// The most bytes each planned blob may have: its descriptor's size.
    private var limits: [UInt64] = []
    /// The digest each planned blob is put under, when its descriptor names one.
    private(set) var digests: [Digest?] = []

    /// Blobs the output holds already (a layout being added to): measured, not staged.
    private let alreadyThere: (@Sendable (Digest) -> Bool)?
    /// The planned blobs measured without being staged, for ``alreadyThere``.
    private let unstaged = Locked(Set<Int>())

    /// The oci-archive being written in place of staged files; nil once it could not be laid out.
    private(set) var placement: TarPlacement?

    /// Complete blobs an interrupted pull of the same output left: measured from there
    /// instead of the source when they pass.
    let harvest: StagingHarvest?

    /// Creates the staging directory beside `output` (a temporary name of its own).
    /// `alreadyThere` names the blobs the output holds already: those are only measured.
    /// `placement`, for an oci-archive: blobs go into it, not into staged files, when it
    /// can be laid out.
    /// `harvest`: what an interrupted pull left, to take blobs from.
    init(beside output: String, alreadyThere: (@Sendable (Digest) -> Bool)? = nil, placement: TarPlacement? = nil,
         harvest: StagingHarvest? = nil) throws {
        self.harvest = harvest
        self.alreadyThere = alreadyThere
        self.placement = placement
        staging = try OutputPath(output, kind: .layout, force: true, checksExisting: false)
        directory = try staging.makeTemporaryDirectory()
    }

    deinit {
        close(directory)
        staging.removeTemporary()
    }

    /// What the walk planned, and what each planned blob's descriptors say of it.
    func walked(_ measurements: [PlannedMeasurement], _ references: [LayerReference]) {
        planned = measurements
        limits = measurements.map(\.file.size)
        digests = Array(repeating: nil, count: measurements.count)
        for reference in references {
            if let size = reference.expectation.size, size >= 0 {
                limits[reference.measurement] = min(limits[reference.measurement], UInt64(size))
            }
            if digests[reference.measurement] == nil { digests[reference.measurement] = reference.expectation.digest }
        }
        do {
            try placement?.lay(out: self)
        } catch {
            // Staged files then, as before; the error, if it is one, comes again after the report.
            placement = nil
        }
    }

    /// Measures planned blob `index` with `check` while writing what it reads to its staged file.
    func measure(_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement {
        if let placement {
            return try placement.measure(index, check, input: planned[index].file.input, limit: limits[index])
        }
        if let digest = digests[index], alreadyThere?(digest) == true {
            let measurement = try check.measure(planned[index].file.input, limit: limits[index]) { _ in }
            unstaged.withLock { _ = $0.insert(index) }
            return measurement
        }
        let name = "\(index)"
        if let digest = digests[index], let harvested = harvest?.input(digest),
           let measurement = try? check.measure(harvested.input, limit: limits[index], tee: { _ in }), measurement.digest == digest,
           linkat(harvested.directory, harvested.name, directory, name, 0) == 0 {
            // An interrupted pull's copy, every check made again: not fetched.
            markComplete(name, digest)
            harvest?.took(digest)
            return measurement
        }
        let file = try OutputFile(creating: name, in: directory, display: "\(staging.path) (staging)/\(name)")
        let measurement = try check.measure(planned[index].file.input, limit: limits[index]) { try file.write($0) }
        try file.flush()
        if let digest = digests[index], measurement.digest == digest { markComplete(name, digest) }
        return measurement
    }

    /// Links staged file `name` as complete (``StagingHarvest/completeName(_:)``): the next
    /// pull takes it if this one is killed. Best effort: without it the blob is fetched again.
    private func markComplete(_ name: String, _ digest: Digest) {
        _ = linkat(directory, name, directory, StagingHarvest.completeName(digest), 0)
    }

    /// Whether planned blob `index` was staged (not only measured: ``alreadyThere``).
    func isStaged(_ index: Int) -> Bool {
        !unstaged.withLock { $0.contains(index) }
    }

    /// Whether the output holds blob `digest` already, so that it need not be put.
    func isAlreadyThere(_ digest: Digest) -> Bool {
        alreadyThere?(digest) == true
    }

    /// Planned blob `index` as staged, to be put into the output.
    func staged(_ index: Int) throws -> StoredFile {
        let fd = openat(directory, "\(index)", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ManifoldError(.unreadable, path: "\(staging.path) (staging)/\(index)", syscall: "openat", errno: code, action: "open")
        }
        let file = try OpenFile.adopting(fd, name: "\(index)")
        return StoredFile(path: "\(index)", size: file.size, input: .region(of: file, offset: 0, length: file.size, name: "\(index)"),
                          identity: "staged:\(index)")
    }

    /// Removes the staged files (the output is committed, or the pull failed).
    func remove() {
        staging.removeTemporary()
    }
}
