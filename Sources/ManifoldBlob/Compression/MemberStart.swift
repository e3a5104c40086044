/// Watches the first bytes of each gzip member or zstd frame as they stream past.
///
/// A compressed layer is a sequence of members (frames); what follows the last one must be
/// another member or nothing. Checking the magic bytes ourselves, as they arrive, lets bytes
/// that cannot start a member be named "trailing data" — whatever the chunking — instead of
/// surfacing as whatever error the library would raise a few bytes later.
struct MemberStart {
    /// `accepts(position, byte, firstByte)`: whether `byte` may sit at `position` of a magic.
    private let accepts: @Sendable (Int, UInt8, UInt8) -> Bool
    private let length: Int
    /// "gzip member", "zstd frame": for messages.
    private let unit: String
    private let magic: String
    private(set) var seen = 0
    private var first: UInt8 = 0

    /// The gzip magic `1f 8b`.
    static var gzip: MemberStart {
        MemberStart(length: 2, unit: "gzip member", magic: "gzip magic (1f 8b)") { position, byte, _ in byte == [0x1f, 0x8b][position] }
    }

    /// A zstd frame `28 b5 2f fd` or a skippable frame `5? 2a 4d 18`.
    static var zstd: MemberStart {
        MemberStart(length: 4, unit: "zstd frame", magic: "zstd frame magic") { position, byte, first in
            if position == 0 { return byte == 0x28 || byte & 0xf0 == 0x50 }
            let magic: [UInt8] = first == 0x28 ? [0x28, 0xb5, 0x2f, 0xfd] : [0x50, 0x2a, 0x4d, 0x18]
            return byte == magic[position]
        }
    }

    private init(length: Int, unit: String, magic: String, accepts: @escaping @Sendable (Int, UInt8, UInt8) -> Bool) {
        self.length = length
        self.unit = unit
        self.magic = magic
        self.accepts = accepts
    }

    /// ``observe(_:)``, throwing when the bytes cannot begin a member: the stream is not of
    /// this kind at all when no member came before (`completed` is 0), otherwise what
    /// follows the last member is trailing data. `offset` is where `bytes` start.
    mutating func check(_ bytes: UnsafeRawBufferPointer, completed: Int, offset: UInt64) throws {
        guard observe(bytes) else {
            if completed == 0 {
                let kind = unit.split(separator: " ").first.map(String.init) ?? unit
                throw ManifoldError(.corruptData, "not a \(kind) stream: no \(magic) at the start")
            }
            throw ManifoldError(
                .trailingData,
                "trailing data: bytes after \(unit) \(completed) (at offset \(offset)) are not another \(unit)")
        }
    }

    /// True until the first byte of the current member has been seen.
    var isAtStart: Bool { seen == 0 }

    /// Begins watching a new member.
    mutating func reset() { seen = 0 }

    /// Looks at the next bytes of the stream (consuming nothing). Returns false when they
    /// cannot begin a member.
    mutating func observe(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while seen < length && index < bytes.count {
            let byte = bytes[index]
            if seen == 0 { first = byte }
            guard accepts(seen, byte, first) else { return false }
            seen += 1
            index += 1
        }
        return true
    }

    /// Whether the watched prefix is complete, so the rest of the member is the library's.
    var isComplete: Bool { seen >= length }
}
