import Foundation
@testable import Manifold
@testable import ManifoldBlob

/// A tar archive assembled header by header, for tests that need headers no writer of ours
/// makes: base-256 sizes, GNU long names, links, bad checksums, extended headers in any
/// order. Each header starts as ``TarWriter/block(name:prefix:size:type:mode:)`` makes it,
/// is patched by the test, then summed again.
struct TarBytes {
    private(set) var bytes: [UInt8] = []

    /// Offset of the next header.
    var offset: UInt64 { UInt64(bytes.count) }

    /// Appends a header of `type` for `name` and `data` after it (padded to 512 bytes), the
    /// header's size field set to `size` (default: the data's length), then changed by `edit`.
    /// Returns the data's offset, where the index must say the member's data starts.
    @discardableResult
    mutating func member(_ name: String, type: Character = "0", data: [UInt8] = [], link: String = "",
                         mode: Int = 0o644, size: UInt64? = nil, edit: (inout [UInt8]) -> Void = { _ in }) -> UInt64 {
        var block = TarWriter.block(name: name, prefix: "", size: size ?? UInt64(data.count),
                                    type: type.asciiValue ?? 0, mode: mode)
        for (index, byte) in link.utf8.prefix(100).enumerated() { block[157 + index] = byte }
        edit(&block)
        Self.sum(&block)
        bytes += block
        let dataOffset = offset
        bytes += data
        pad()
        return dataOffset
    }

    /// A pax extended header ('x', or 'g' for a global one) holding `records`, in order.
    mutating func pax(_ records: [(String, String)], global: Bool = false) {
        let data = Array(records.map { TarWriter.paxRecord($0.0, $0.1) }.joined().utf8)
        member("PaxHeaders/entry", type: global ? "g" : "x", data: data)
    }

    /// A GNU long name ('L') or long link ('K') record for the next member, as GNU tar writes
    /// it: a member named `././@LongLink` whose data is the name and a NUL.
    mutating func gnuLong(_ value: String, type: Character = "L") {
        member("././@LongLink", type: type, data: Array(value.utf8) + [0])
    }

    /// The end-of-archive marker: two zero blocks.
    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    mutating func append(_ raw: [UInt8]) {
        bytes += raw
    }

    private mutating func pad() {
        let remainder = bytes.count % 512
        if remainder != 0 { bytes += [UInt8](repeating: 0, count: 512 - remainder) }
    }

    /// Sets the size field to GNU base-256: 0x80, then `size` big-endian in 11 bytes.
    static func base256(_ size: UInt64, first: UInt8 = 0x80) -> (inout [UInt8]) -> Void {
        { block in
            block[124] = first
            for index in 0..<11 { block[125 + index] = UInt8(truncatingIfNeeded: size >> (8 * UInt64(10 - index))) }
        }
    }

    /// The header checksum: the sum of the block's bytes with the checksum field as spaces.
    static func sum(_ block: inout [UInt8]) {
        for index in 148..<156 { block[index] = 0x20 }
        let digits = String(block.reduce(0) { $0 + Int($1) }, radix: 8)
        let field = Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8) + [0, 0x20]
        block.replaceSubrange(148..<156, with: field)
    }

    /// Writes the archive to a new file in a temporary directory; `length` extends it (with
    /// a hole, no disk used) past the bytes, for members whose data is gigabytes of zeros.
    func write(length: UInt64? = nil, appending tail: (at: UInt64, bytes: [UInt8])? = nil) throws -> URL {
        let url = try ImageFixtures.temporaryDirectory().appendingPathComponent("test.tar")
        try Data(bytes).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        if let tail {
            try handle.seek(toOffset: tail.at)
            try handle.write(contentsOf: tail.bytes)
        }
        if let length { try handle.truncate(atOffset: length) }
        return url
    }

    /// The index of the archive as written.
    func index(maxEntries: Int = ImageLimits().tarEntries) throws -> TarIndex {
        try TarIndex(file: OpenFile(path: write().path), maxEntries: maxEntries)
    }
}
