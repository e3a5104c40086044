#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `push --compress` learned about the layers it compressed: for an uncompressed layer
/// (its diff_id) and a compression (and level), the digest and size of what was sent. A
/// compressed digest is only known once the layer has been compressed; with this, a re-push
/// asks the registry for it first and, when it is there, neither compresses nor sends the
/// layer — as skopeo's blob-info cache spares it a recompression.
///
/// Only a hint, never proof: a layer is still checked against its diff_id by the push's walk
/// before anything names it, and a digest the registry does not hold is compressed and sent
/// as if unknown. An unreadable or damaged file is an empty cache; a failed save is ignored
/// (the push did not need it). Two pushes saving at once: the last rename wins, and the other's
/// new entries are learned again next time. Entries are kept newest last, at most
/// ``capacity``.
///
public final class CompressedLayerCache: Sendable {
    /// One layer as sent: `key` is the diff_id and the compression asked for.
    struct Entry: Equatable {
        let diffID: Digest
        let compression: String
        let digest: Digest
        let size: Int64
    }

    static let capacity = 10_000
    /// Larger files are not read: ~200 bytes per entry at ``capacity``, with room to spare.
    static let maxFileSize: UInt64 = 8 << 20

    public let path: String
    /// The entries, and whether any was recorded since the file was read.
    private let state: Locked<(entries: [Entry], changed: Bool)>

    /// The cache at `path` (`${XDG_CACHE_HOME:-~/.cache}/manifold/compressed-layers.json` for
    /// the CLI), read now; a missing file is an empty cache.
    public init(path: String) {
        self.path = path
        state = Locked((Self.read(path), false))
    }

    /// What a layer with `diffID` came to when compressed as `compression` (`gzip`,
    /// `zstd:19`…), if known.
    func lookup(_ diffID: Digest, as compression: String) -> (digest: Digest, size: Int64)? {
        state.withLock { state in
            state.entries.last { $0.diffID == diffID && $0.compression == compression }.map { ($0.digest, $0.size) }
        }
    }

    /// Remembers that the layer `diffID` compressed as `compression` was sent as `digest`.
    func record(_ diffID: Digest, as compression: String, digest: Digest, size: Int64) {
        state.withLock { state in
            let entry = Entry(diffID: diffID, compression: compression, digest: digest, size: size)
            guard state.entries.last(where: { $0.diffID == diffID && $0.compression == compression }) != entry else { return }
            state.entries.removeAll { $0.diffID == diffID && $0.compression == compression }
            state.entries.append(entry)
            if state.entries.count > Self.capacity { state.entries.removeFirst(state.entries.count - Self.capacity) }
            state.changed = true
        }
    }

    /// Writes what was recorded (atomically: a temporary file renamed over the old one),
    /// creating the cache's directory; failures are ignored.
    func save() {
        let bytes: [UInt8]? = state.withLock { state in
            guard state.changed else { return nil }
            state.changed = false
            let layers = state.entries.map { entry in
                JSONValue.object(JSONObject([
                    ("diff_id", .string(entry.diffID.description)), ("compression", .string(entry.compression)),
                    ("digest", .string(entry.digest.description)), ("size", .number(String(entry.size))),
                ]))
            }
            return JSONWriter(sortKeys: false).bytes(.object(JSONObject([("layers", .array(layers))])))
        }
        guard let bytes else { return }
        Self.makeParent(of: path)
        try? SmallOutputFile.write(bytes, to: path, force: true)
    }

    private static func read(_ path: String) -> [Entry] {
        guard let file = try? OpenFile(path: path), file.isRegular, file.size <= maxFileSize,
              let bytes = try? file.readWhole(), case .object(let top)? = try? JSONParser.parse(bytes),
              case .array(let layers)? = top["layers"] else { return [] }
        return layers.compactMap { layer in
            guard case .object(let fields) = layer, case .string(let diffID)? = fields["diff_id"],
                  case .string(let compression)? = fields["compression"], case .string(let digest)? = fields["digest"],
                  case .number(let size)? = fields["size"], let size = Int64(size), size >= 0,
                  let diffID = try? Digest(parsing: diffID), let digest = try? Digest(parsing: digest) else { return nil }
            return Entry(diffID: diffID, compression: compression, digest: digest, size: size)
        }.suffix(capacity)
    }

    /// Creates the directories above `path` that are missing (mode 0700: a user's cache).
    private static func makeParent(of path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            _ = mkdir(prefix, 0o700)
        }
    }
}
