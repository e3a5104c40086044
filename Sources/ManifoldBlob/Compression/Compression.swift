/// How a blob's bytes are compressed, as declared by a media type or sniffed from magic bytes.
public enum Compression: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Not compressed: the bytes are the content (a plain tar layer). Not called `none`, so
    /// it can never be confused with `Optional.none`.
    case plain
    /// gzip (RFC 1952), possibly several members one after another.
    case gzip
    /// Zstandard (RFC 8878), possibly several frames, skippable frames allowed.
    case zstd

    /// How many leading bytes ``sniff(_:)`` needs to decide.
    public static let sniffLength = 4

    /// Decides from the first bytes of a stream: the gzip magic `1f 8b`, a zstd frame
    /// (`28 b5 2f fd`) or skippable frame (`5? 2a 4d 18`), otherwise ``plain``.
    ///
    /// Give it at least ``sniffLength`` bytes when the stream has them.
    public static func sniff(_ prefix: UnsafeRawBufferPointer) -> Compression {
        let bytes = Array(prefix.prefix(sniffLength))
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { return .gzip }
        if bytes.count >= 4 {
            if bytes == [0x28, 0xb5, 0x2f, 0xfd] { return .zstd }
            if bytes[0] & 0xf0 == 0x50, bytes[1] == 0x2a, bytes[2] == 0x4d, bytes[3] == 0x18 { return .zstd }
        }
        return .plain
    }

    /// Sniffs a byte array; see ``sniff(_:)-(UnsafeRawBufferPointer)``.
    public static func sniff(_ prefix: [UInt8]) -> Compression {
        prefix.withUnsafeBytes { sniff($0) }
    }

    /// A new streaming decompressor for this compression, or nil for ``plain``.
    public func makeDecompressor(
        gzipBackend: GzipBackend = .isal, limits: DecompressionLimits = .init()
    ) throws -> (any Decompressor)? {
        switch self {
        case .plain: nil
        case .gzip:
            switch gzipBackend {
            case .isal: try ISALGzipDecompressor()
            case .zlib: try ZlibGzipDecompressor()
            }
        case .zstd: try ZstdDecompressor(windowLimit: limits.zstdWindowLimit)
        }
    }

    public var description: String { rawValue }
}
