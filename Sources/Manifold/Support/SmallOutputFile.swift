/// A small file a command writes besides its main output (`--digestfile`): written to a
/// temporary name beside it and renamed into place, never over an existing file without
/// `force` — the rules of every output.
public enum SmallOutputFile {
    /// Writes `bytes` to `path`. Refuses, before writing, when `path` exists and `force` is false.
    public static func write(_ bytes: [UInt8], to path: String, force: Bool) throws {
        let output = try OutputPath(path, kind: .file, force: force)
        do {
            let file = try output.makeTemporaryFile()
            try file.write(bytes)
            try file.flush()
            try output.commit()
        } catch {
            output.removeTemporary()
            throw error
        }
    }

    /// Refuses at once when `path` exists and `force` is false (before a long run).
    public static func checkWritable(_ path: String, force: Bool) throws {
        _ = try OutputPath(path, kind: .file, force: force)
    }
}
