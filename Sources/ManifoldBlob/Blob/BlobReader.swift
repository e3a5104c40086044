/// Reads a file ``BlobInput`` (a path, a region, standard input) front to back in whole chunks.
///
/// Every read but the last fills its buffer completely, so chunk boundaries fall at fixed
/// offsets (multiples of the chunk size, itself a multiple of 64) whatever the kernel hands
/// back per call. Chunks a content provider supplies are not read through it: they go
/// straight to their consumer (``BlobMeasurer/feed(chunks:)``, ``BlobInput/read(upTo:)``,
/// ``BlobTransfer``), with no regrouping copy.
package final class BlobReader {
    /// 1 MiB: large enough that per-chunk overhead vanishes, small enough to stay in L2/L3.
    package static let defaultChunkSize = 1 << 20

    let name: String
    private let file: OpenFile
    /// Next offset for pread, or nil for a stream.
    private var offset: UInt64?
    /// Bytes left in a region, or nil to read to end of file.
    private var remaining: UInt64?
    /// Bytes read so far.
    private(set) var bytesRead: UInt64 = 0

    init(_ input: BlobInput) throws {
        name = input.name
        switch input.kind {
        case .path(let path):
            let opened = try OpenFile(path: path)
            file = opened
            offset = opened.isRegular ? 0 : nil
        case .deferred(let open):
            let opened = try open()
            file = opened
            offset = opened.isRegular ? 0 : nil
        case .region(let open, let start, let length):
            file = open
            offset = start
            remaining = length
        case .standardInput:
            file = try OpenFile.borrowing(0, name: "-")
            offset = nil
        case .chunks, .stream:
            throw ManifoldError(.internalFailure, "\(input.name): chunks are fed to their consumer, not read as a file")
        }
    }

    /// The size when it is known before reading (regular files and regions).
    var expectedSize: UInt64? {
        if let remaining { return remaining + bytesRead }
        guard file.isRegular else { return nil }
        return file.size
    }

    /// Fills `buffer` unless the input ends first; returns the byte count (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            var want = buffer.count - filled
            if let remaining { want = Int(min(UInt64(want), remaining)) }
            if want == 0 { break }
            let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + want)]), at: offset)
            if count == 0 { break }
            filled += count
            offset? += UInt64(count)
            remaining? -= UInt64(count)
        }
        bytesRead += UInt64(filled)
        return filled
    }

    /// For a region: true when the file ended before the region did.
    var endedEarly: Bool { (remaining ?? 0) > 0 }
}
