/// An oci-archive pull that writes every blob once: straight into the temporary tar, at its
/// place, as it is measured.
///
/// Why it can: once the walk has read every document, the output is decided — which
/// documents, which blobs, their sizes (a tar member's header needs only the size, and the
/// descriptor gives it), the roots, the order (pack's: by path). So the tar is laid out
/// then, before any blob is measured: every header, every document, `index.json` and
/// `oci-layout` written, and each blob's body left as a hole of its size. The measuring
/// threads fill their holes with `pwrite`, each its own. Nothing is renamed into place
/// until the report passed (``commit()``); otherwise the temporary tar is removed, as a
/// staged file would be. A blob that was short or failed leaves its hole incomplete, and
/// the report failed with it.
///
/// Before, each blob was staged to a file of its own and then copied into the tar: twice the
/// writes, twice the disk at the peak, and a single-threaded copy after the measuring.
///
/// When the layout cannot be decided at that point (the plan lacks a blob it needs: the
/// report will fail, or a tag names several images), ``lay(out:)`` throws and the pull
/// stages as before; the same error comes out after the report.
///
/// `@unchecked Sendable`: everything but the completed set is set by ``lay(out:)`` before
/// the measuring threads start and only read by them; each fills its own region, and
/// `completed` is locked.
final class TarPlacement: @unchecked Sendable {
    /// What the laid-out tar holds: the documents rewritten (`--platform`), blobs and bytes.
    struct LaidOut {
        let rewritten: [(from: Descriptor, to: Descriptor)]
        let leftBehind: [Descriptor]
        let count: Int
        let bytes: UInt64
    }

    /// Where a blob's body goes in the temporary tar.
    struct Region: Equatable {
        let offset: UInt64
        let size: UInt64
    }

    private let output: OutputPath
    private let tag: String?
    private let carriesAttached: Bool
    private var tar: TarSink?
    private var sink: OCILayoutSink?
    private var regions: [Int: Region] = [:]
    private let completed = Locked(Set<Int>())
    /// What was laid out, for the result; nil until ``lay(out:)`` succeeded. A summary, not
    /// the assembly: that holds the staging, which holds this placement (a cycle LSan saw).
    private(set) var laidOut: LaidOut?
    private(set) var roots: [PullAssembly.Root] = []

    init(output: OutputPath, tag: String?, carriesAttached: Bool = true) {
        self.output = output
        self.tag = tag
        self.carriesAttached = carriesAttached
    }

    /// Lays the tar out from what the walk planned (`staging`'s plan and blobs).
    func lay(out staging: BlobStaging) throws {
        var assembly = PullAssembly(plan: staging.plan, staging: staging, carriesAttached: carriesAttached)
        let roots = try assembly.collect(tag: tag)
        let tar = try TarSink(output)
        let sink = OCILayoutSink(tar)
        do {
            regions = try assembly.place(into: sink, tar: tar, roots: roots)
        } catch {
            sink.abort()
            throw error
        }
        self.tar = tar
        self.sink = sink
        laidOut = LaidOut(rewritten: assembly.rewritten, leftBehind: assembly.leftBehind, count: assembly.count, bytes: assembly.bytes)
        self.roots = roots
    }

    /// Where planned blob `index` goes; nil when it has no place of its own (a document
    /// put from the walk's bytes, or a second measurement of a blob placed already).
    func region(_ index: Int) -> Region? {
        regions[index]
    }

    /// Measures planned blob `index` with `check`, writing what it reads into its region.
    func measure(_ index: Int, _ check: BlobCheck, input: BlobInput, limit: UInt64) throws -> BlobMeasurement {
        guard let tar, let region = regions[index] else {
            return try check.measure(input, limit: limit) { _ in }
        }
        // A response body comes in libcurl's pieces of 16 KiB: gathered into 1 MiB writes
        // (a pwrite per piece cost more system time than the copy does); larger chunks, a
        // file's reads, go straight through.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 64)
        defer { buffer.deallocate() }
        var buffered = 0
        var written: UInt64 = 0
        func flush() throws {
            guard buffered > 0 else { return }
            try tar.write(UnsafeRawBufferPointer(rebasing: buffer[..<buffered]), at: region.offset + written)
            written += UInt64(buffered)
            buffered = 0
        }
        let measurement = try check.measure(input, limit: min(limit, region.size)) { bytes in
            if bytes.count >= buffer.count / 2 {
                // What is gathered goes first: the bytes stay in order.
                try flush()
                try tar.write(bytes, at: region.offset + written)
                written += UInt64(bytes.count)
            } else {
                if buffered + bytes.count > buffer.count { try flush() }
                UnsafeMutableRawBufferPointer(rebasing: buffer[buffered...]).copyMemory(from: bytes)
                buffered += bytes.count
            }
        }
        try flush()
        if written == region.size { completed.withLock { _ = $0.insert(index) } }
        return measurement
    }

    /// How much of a blob is gathered before it is written.
    static let bufferSize = 1 << 20

    /// Puts the tar in place: every region must be complete (the report passed, so each is).
    func commit() throws {
        guard let tar else { throw ManifoldError(.internalFailure, "a pull's tar committed before it was laid out") }
        let done = completed.withLock { $0 }
        if let missing = regions.keys.sorted().first(where: { !done.contains($0) }) {
            throw ManifoldError(.internalFailure, "blob \(missing) of the pull was verified but not written whole")
        }
        try tar.commit()
    }

    /// Removes the temporary tar (the report failed, the pull was cancelled or failed).
    func abort() {
        sink?.abort()
        tar = nil
        sink = nil
    }
}
