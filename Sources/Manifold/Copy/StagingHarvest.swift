#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blobs a killed pull had finished staging beside the same output, taken over by the
/// next pull so that it fetches only what is missing.
///
/// A staged blob whose measurement gave the digest its descriptor names is also linked in its
/// staging directory as `sha256-<hex>` (``BlobStaging``): that name means "complete". A run
/// killed outright (SIGKILL, power loss) leaves its staging directory; the next pull of the
/// same output, before anything sweeps it, adopts every such directory whose writer is gone
/// (its PID no longer exists and its `flock` is free, as ``TemporaryOutputs/sweep(in:output:)``
/// judges) by renaming it to a temporary name of its own, registered like any other (an
/// interrupt removes it). Each `sha256-<hex>` in it is offered to the measurement of that
/// digest, which reads it — every check made again: nothing is trusted for its name — and
/// falls back to the source when it does not match. The adopted directories are removed when
/// the pull ends, whatever happened.
///
/// `@unchecked Sendable`: `blobs` and `directories` are set in `init` and only read after;
/// `taken` is locked.
final class StagingHarvest: @unchecked Sendable {
    private let parent: Int32
    /// Adopted directories: descriptor (locked), name, registration.
    private var directories: [(fd: Int32, name: String, token: Int)] = []
    /// Complete blobs found: the directory holding each, and its name there.
    private var blobs: [Digest: (directory: Int32, name: String)] = [:]
    /// Blobs whose harvested bytes passed and were used.
    private let taken = Locked(Set<Digest>())

    /// The name a complete staged blob is linked under.
    static func completeName(_ digest: Digest) -> String { "\(digest.algorithm.rawValue)-\(digest.encoded)" }

    /// Adopts the abandoned staging directories beside `output`; nil when there are none
    /// (or the output's directory cannot be opened: then nothing is reused, nothing fails).
    init?(beside output: String) {
        var trimmed = output
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let slash = trimmed.lastIndex(of: "/")
        let directory = slash.map { String(trimmed[..<$0]).isEmpty ? "/" : String(trimmed[..<$0]) } ?? "."
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        parent = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { return nil }
        for old in TemporaryOutputs.abandoned(in: parent, output: name) where old.hasSuffix(".tmp") {
            let fd = openat(parent, old, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            // Locked first: a second pull adopting the same directory waits for nothing, it skips it.
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                continue
            }
            let adopted = TemporaryOutputs.name(for: name)
            guard let created = try? TemporaryOutputs.create(in: parent, name: adopted, {
                guard renameat(parent, old, parent, adopted) == 0 else {
                    throw ManifoldError(.unwritable, "\(old): taken by another run")
                }
                return fd
            }) else {
                close(fd)
                continue
            }
            directories.append((fd, adopted, created.token))
            for entry in directoryNames(fd) {
                guard let dash = entry.firstIndex(of: "-"), let algorithm = try? DigestAlgorithm(String(entry[..<dash])),
                      let digest = try? Digest(algorithm: algorithm, encoded: String(entry[entry.index(after: dash)...])),
                      blobs[digest] == nil else { continue }
                blobs[digest] = (fd, entry)
            }
        }
        if directories.isEmpty {
            close(parent)
            return nil
        }
    }

    deinit {
        for directory in directories {
            close(directory.fd)
            TemporaryOutputs.removeTree(directory.name, in: parent)
            TemporaryOutputs.forget(directory.token)
        }
        close(parent)
    }

    /// The harvested bytes of `digest`, to measure: nil when none were left.
    func input(_ digest: Digest) -> (input: BlobInput, directory: Int32, name: String)? {
        guard let found = blobs[digest] else { return nil }
        let input = BlobInput.deferred(name: "\(found.name) (an interrupted pull's)") {
            let fd = openat(found.directory, found.name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw ManifoldError(.unreadable, path: found.name, syscall: "openat", errno: code, action: "open")
            }
            return try OpenFile.adopting(fd, name: found.name)
        }
        return (input, found.directory, found.name)
    }

    /// `digest`'s harvested bytes passed and were used.
    func took(_ digest: Digest) {
        taken.withLock { _ = $0.insert(digest) }
    }

    /// How many blobs were taken from interrupted runs.
    var recovered: Int { taken.withLock { $0.count } }
}
