#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An oci-archive packed only to be read again and removed: what `pack --push` without `-o`
/// pushes. It lives under a temporary name registered with ``TemporaryOutputs`` and locked
/// for as long as this object does, so that SIGINT, SIGTERM or SIGHUP remove it with the
/// rest of the run's temporaries, and a run killed outright leaves a file the next one
/// sweeps (its writer's PID gone, its lock free). Removed when this object is released.
public final class PackScratch {
    /// Where the archive is, to be opened as any local image.
    public let path: String
    private let output: OutputPath
    private let file: OutputFile

    /// Makes an empty scratch archive in `directory` (the temporary directory), first
    /// removing the leftovers of runs killed before they could.
    public init(directory: String) throws {
        output = try OutputPath("\(directory)/manifold-pack-push", kind: .file, force: false, checksExisting: false)
        file = try output.makeTemporaryFile()
        path = "\(directory)/\(output.temporaryName)"
    }

    deinit { output.removeTemporary() }

    /// Packs into the scratch archive.
    public func pack(_ packer: Packer) throws -> PackResult {
        try packer.pack(into: OCILayoutSink(TarSink(stream: file)))
    }
}
