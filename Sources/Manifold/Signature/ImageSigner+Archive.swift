#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signing an oci-archive: a tar cannot be added to in place without a moment at which it is
/// neither the old archive nor the new one, so it is written anew beside itself — every
/// member of the old one as it was (index.json aside), the new blobs, then the new
/// index.json — and renamed over it in one step (or, with `--output`, to another path, which
/// is replaced only with `--force`). An interrupted run leaves the old archive whole.
extension ImageSigner {
    /// Bytes read from the old archive at a time, while its members are copied.
    static let archiveCopyChunk = 1 << 20

    func signArchive() throws -> SignResult {
        let path = options.image.path
        if options.output == nil {
            var link = stat()
            if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                throw ManifoldError(.invalidArgument, "\(path) is a symbolic link: renaming the signed archive over it would replace the link, not its target; sign the target, or give --output")
            }
        }
        // Refused before any work: --output onto something there, without --force.
        let output = try OutputPath(options.output ?? path, kind: .file, force: options.output == nil || options.force,
                                    checksExisting: options.output != nil)
        // Held from reading index.json to the rename: two signers take turns on one archive.
        let lock = try FileLock(path)
        defer { withExtendedLifetime(lock) {} }
        let file = try OpenFile(path: path)
        let tar = try TarIndex(file: file, maxEntries: options.limits.tarEntries)
        let signature = try prepare(try options.image.open(limits: options.limits))
        guard let indexEntry = tar.entry("index.json"), indexEntry.kind == .regular else {
            throw ManifoldError(.invalidLayout, "\(path): no index.json member")
        }
        let existing = try readMember(indexEntry, of: file, limit: options.limits.documentSize)
        var newEntry = signature.manifest
        if let tag = signature.result.tag { newEntry.annotations = [OCILayoutSink.refName: tag] }
        let root = LayoutIndexMerge.Entry(bytes: JSONWriter().bytes(newEntry.json), refName: signature.result.tag, digest: newEntry.digest.description)
        let index = try LayoutIndexMerge.merge(existing, adding: [root], display: "\(path): index.json")

        let writer = TarWriter(file: try output.makeTemporaryFile())
        do {
            var names = Set<String>()
            for entry in tar.entries where entry.name != "index.json" {
                names.insert(entry.name)
                switch entry.kind {
                case .directory:
                    try writer.directory(entry.name)
                case .regular:
                    try writer.regularFile(entry.name, size: entry.size) { emit in try copyMember(entry, of: file, to: emit) }
                default:
                    throw ManifoldError(.unsupportedFormat, "\(path): member \(quoted(entry.name)) is a link; an oci-archive of links cannot be rewritten as it is")
                }
            }
            let written = signature.blobs + [(signature.manifest, signature.manifestBytes)]
            for (descriptor, bytes) in written {
                let name = descriptor.digest.layoutPath
                // The same digest is the same bytes: a blob the archive holds stays as it is.
                guard names.insert(name).inserted else { continue }
                try writer.regularFile(name, bytes: bytes)
            }
            try writer.regularFile("index.json", bytes: index)
            try writer.finish()
            guard fsync(writer.file.descriptor) == 0 else {
                let code = errno
                throw ManifoldError(.unwritable, path: output.path, syscall: "fsync", errno: code)
            }
            if options.output == nil { try output.replace() } else { try output.commit() }
        } catch {
            output.removeTemporary()
            throw error
        }
        return signature.result
    }

    /// One member's bytes, whole (index.json), at most `limit`.
    private func readMember(_ entry: TarEntry, of file: OpenFile, limit: Int) throws -> [UInt8] {
        guard entry.size <= UInt64(limit) else {
            throw ManifoldError(.limitExceeded, "\(file.path): index.json is \(entry.size) bytes, above the \(limit)-byte limit for documents")
        }
        var bytes: [UInt8] = []
        try copyMember(entry, of: file) { chunk in bytes += chunk }
        return bytes
    }

    /// Emits a member's bytes in chunks, read at their offsets in the archive.
    private func copyMember(_ entry: TarEntry, of file: OpenFile, to emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: Self.archiveCopyChunk)
        var done: UInt64 = 0
        while done < entry.size {
            let want = Int(min(UInt64(buffer.count), entry.size - done))
            let count = try buffer.withUnsafeMutableBytes { raw in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<want]), at: entry.offset + done)
            }
            guard count > 0 else {
                throw ManifoldError(.truncated, "\(file.path): member \(quoted(entry.name)) ends before its \(entry.size) bytes")
            }
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            done += UInt64(count)
        }
    }
}
