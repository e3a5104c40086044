// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13
// (ustar and pax), plus GNU long names ('L'/'K'), which docker and skopeo tars may contain.

/// An index of a tar archive's members, built by reading its headers once, so that each
/// member can then be read in place, by offset, without extracting anything.
///
/// Every data range is checked to lie inside the file. Two members with the same normalized
/// name make the archive ambiguous (readers that keep the first and readers that keep the
/// last would see different images): that is an error, not a choice. So is a `..` component
/// in a member name: extractors that clean paths (Go's `path.Clean`, in Docker and
/// containers-storage) apply it and file the member under another name than manifold would.
struct TarIndex: Sendable {
    let file: OpenFile
    let entries: [TarEntry]
    private let byName: [String: Int]

    init(file: OpenFile, maxEntries: Int = ImageLimits().tarEntries) throws {
        self.file = file
        var reader = HeaderReader(file: file, maxEntries: maxEntries)
        entries = try reader.readAll()
        var byName: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            // `zz/../index.json` is `index.json` to Docker and `zz/../index.json` to a reader
            // that does not clean names: refuse it rather than pick one reading. With `..`
            // gone, `normalize` (`.`, `//`, trailing `/`) is all the cleaning there is.
            if entry.name.split(separator: "/").contains("..") {
                throw ManifoldError(.ambiguousArchive, "ambiguous archive: member \(quoted(entry.name)) has a \"..\" component (extractors that clean paths would file it elsewhere)")
            }
            if let previous = byName[entry.name] {
                // The same directory listed twice is harmless; the same file is not.
                if entries[previous].kind == .directory && entry.kind == .directory { continue }
                throw ManifoldError(.ambiguousArchive, "ambiguous archive: \(quoted(entry.name)) appears twice")
            }
            byName[entry.name] = index
        }
        self.byName = byName
    }

    func entry(_ name: String) -> TarEntry? {
        byName[name].map { entries[$0] }
    }

    /// Normalizes a member name: strips leading `./` and `/`-runs, trailing `/`.
    static func normalize(_ name: String) -> String {
        var parts = name.split(separator: "/", omittingEmptySubsequences: true)
        while parts.first == "." { parts.removeFirst() }
        return parts.filter { $0 != "." }.joined(separator: "/")
    }
}

/// Walks the 512-byte headers of a tar file with `pread`.
private struct HeaderReader {
    let file: OpenFile
    let maxEntries: Int
    var offset: UInt64 = 0

    mutating func readAll() throws -> [TarEntry] {
        var entries: [TarEntry] = []
        var longName: String?
        var longLink: String?
        var pax: [String: String] = [:]
        var block = [UInt8](repeating: 0, count: 512)
        while true {
            let count = try block.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            if count == 0 {
                // No end-of-archive marker: tolerated (many writers omit it) unless a header
                // promised more.
                if longName != nil || longLink != nil || !pax.isEmpty {
                    throw ManifoldError(.invalidLayout, "truncated tar: ends after an extended header")
                }
                return entries
            }
            guard count == 512 else {
                if offset == 0 { throw ManifoldError(.invalidLayout, "not a tar archive (shorter than one tar header)") }
                throw ManifoldError(.invalidLayout, "truncated tar: a header at offset \(offset) is cut short")
            }
            if block.allSatisfy({ $0 == 0 }) { return entries }  // end-of-archive marker
            try checkChecksum(block)
            let type = block[156]
            let size = try parseSize(block)
            let dataOffset = offset + 512
            guard dataOffset <= file.size, size <= file.size - dataOffset else {
                throw ManifoldError(.invalidLayout, "truncated tar: member at offset \(offset) declares \(size) bytes past the end of the file")
            }
            let padded = (size + 511) / 512 * 512
            offset = dataOffset + padded

            switch type {
            case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"):
                guard size <= 1 << 20 else {
                    throw ManifoldError(.invalidLayout, "tar extended header at offset \(dataOffset - 512) is larger than 1 MiB")
                }
                let data = try readData(at: dataOffset, count: Int(size))
                if type == UInt8(ascii: "L") { longName = cString(data[...]) }
                else if type == UInt8(ascii: "K") { longLink = cString(data[...]) }
                else { pax.merge(try parsePAX(data), uniquingKeysWith: { _, new in new }) }
                continue
            case UInt8(ascii: "g"):
                continue  // global pax header: nothing manifold needs
            default:
                break
            }

            let name = longName ?? pax["path"] ?? ustarName(block)
            let link = longLink ?? pax["linkpath"] ?? cString(block[157..<257])
            var entrySize = size
            if let paxSize = pax["size"] {
                guard let value = UInt64(paxSize), value <= file.size - dataOffset else {
                    throw ManifoldError(.invalidLayout, "tar pax size \(quoted(paxSize)) at offset \(dataOffset - 512) is invalid or past the end")
                }
                entrySize = value
                offset = dataOffset + (value + 511) / 512 * 512
            }
            longName = nil
            longLink = nil
            pax = [:]

            let kind: TarEntry.Kind
            switch type {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .regular
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "2"): kind = .symlink
            case UInt8(ascii: "1"): kind = .hardLink
            default: kind = .other(type)
            }
            // Old tars mark a directory only by a trailing slash on a regular-file header.
            let isDirectory = kind == .directory || (kind == .regular && name.hasSuffix("/"))
            let mode = UInt32(truncatingIfNeeded: parseOctal(block[100..<108]) ?? 0)
            entries.append(TarEntry(
                name: TarIndex.normalize(name), kind: isDirectory ? .directory : kind,
                linkName: link, offset: dataOffset, size: kind == .regular && !isDirectory ? entrySize : 0, mode: mode))
            guard entries.count <= maxEntries else {
                throw ManifoldError(.limitExceeded, "tar has more than \(maxEntries) members (the limit)")
            }
        }
    }

    private func readData(at position: UInt64, count: Int) throws -> [UInt8] {
        var data = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try data.withUnsafeMutableBytes {
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), at: position + UInt64(filled))
            }
            guard got > 0 else { throw ManifoldError(.invalidLayout, "truncated tar at offset \(position + UInt64(filled))") }
            filled += got
        }
        return data
    }

    private func checkChecksum(_ block: [UInt8]) throws {
        guard let stored = parseOctal(block[148..<156]) else {
            throw ManifoldError(.invalidLayout, "not a tar archive (no valid header at offset \(offset))")
        }
        var sum: UInt64 = 0
        for (index, byte) in block.enumerated() {
            sum += (148..<156).contains(index) ? 0x20 : UInt64(byte)
        }
        guard stored == sum else {
            throw ManifoldError(.invalidLayout, "not a tar archive (header checksum mismatch at offset \(offset))")
        }
    }

    private func parseSize(_ block: [UInt8]) throws -> UInt64 {
        let field = block[124..<136]
        if let first = field.first, first & 0x80 != 0 {
            // GNU base-256: big-endian binary in the remaining bytes.
            guard first == 0x80 else { throw ManifoldError(.invalidLayout, "tar size at offset \(offset) is negative or too large") }
            var value: UInt64 = 0
            for byte in field.dropFirst() {
                guard value >> 56 == 0 else { throw ManifoldError(.invalidLayout, "tar size at offset \(offset) is too large") }
                value = value << 8 | UInt64(byte)
            }
            return value
        }
        guard let value = parseOctal(field) else {
            throw ManifoldError(.invalidLayout, "tar size at offset \(offset) is not octal")
        }
        return value
    }

    private func ustarName(_ block: [UInt8]) -> String {
        let name = cString(block[0..<100])
        let isUstar = block[257..<262].elementsEqual(Array("ustar".utf8))
        let prefix = isUstar ? cString(block[345..<500]) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    private func parsePAX(_ data: [UInt8]) throws -> [String: String] {
        // Records: "%d %s=%s\n", the length counting the whole record.
        var records: [String: String] = [:]
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  length > 0, index + length <= data.count, data[index + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else {
                throw ManifoldError(.invalidLayout, "malformed pax header record")
            }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            let value = String(decoding: data[(equals + 1)..<(index + length - 1)], as: UTF8.self)
            records[key] = value
            index += length
        }
        return records
    }
}

private func cString(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
}

/// An octal header field: digits, optionally surrounded by spaces and NULs.
private func parseOctal(_ field: ArraySlice<UInt8>) -> UInt64? {
    let trimmed = field.prefix(while: { $0 != 0 }).drop(while: { $0 == 0x20 })
    let digits = trimmed.prefix(while: { $0 != 0x20 })
    guard trimmed.dropFirst(digits.count).allSatisfy({ $0 == 0x20 }) else { return nil }
    if digits.isEmpty { return 0 }
    var value: UInt64 = 0
    for byte in digits {
        guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), value >> 60 == 0 else { return nil }
        value = value << 3 | UInt64(byte - UInt8(ascii: "0"))
    }
    return value
}
