/// Writes a deterministic tar: the same entries in the same order give the same bytes.
///
/// Every header has mtime 0, uid/gid 0, no user or group names and a fixed mode (0644 files,
/// 0755 directories); names that do not fit ustar's 100 + 155 bytes get a pax `path` record.
/// The caller writes entries in sorted order.
struct TarWriter {
    let file: OutputFile

    func directory(_ name: String) throws {
        try header(name.hasSuffix("/") ? name : name + "/", size: 0, type: UInt8(ascii: "5"), mode: 0o755)
    }

    /// A regular file of exactly `size` bytes, which `body` emits through the closure it gets.
    func regularFile(_ name: String, size: UInt64, body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try header(name, size: size, type: UInt8(ascii: "0"), mode: 0o644)
        var emitted: UInt64 = 0
        try body { chunk in
            emitted += UInt64(chunk.count)
            guard emitted <= size else {
                throw ManifoldError(.internalFailure, "tar: \(name) is longer than its declared \(size) bytes")
            }
            try file.write(chunk)
        }
        guard emitted == size else {
            throw ManifoldError(.internalFailure, "tar: \(name) is \(emitted) bytes, declared \(size)")
        }
        try pad(size)
    }

    /// A regular file of `size` bytes whose body is left as a hole, to be written later at the
    /// offset returned (``OutputFile/write(_:at:)``); its padding is written now.
    func reservedFile(_ name: String, size: UInt64) throws -> UInt64 {
        try header(name, size: size, type: UInt8(ascii: "0"), mode: 0o644)
        let offset = file.bytesWritten
        try file.skip(size)
        try pad(size)
        return offset
    }

    func regularFile(_ name: String, bytes: [UInt8]) throws {
        try regularFile(name, size: UInt64(bytes.count)) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }

    /// Two zero blocks: the end-of-archive marker.
    func finish() throws {
        try file.write([UInt8](repeating: 0, count: 1024))
        try file.flush()
    }

    private func pad(_ size: UInt64) throws {
        let remainder = Int(size % 512)
        if remainder != 0 { try file.write([UInt8](repeating: 0, count: 512 - remainder)) }
    }

    private func header(_ name: String, size: UInt64, type: UInt8, mode: Int) throws {
        var pax: [String: String] = [:]
        let (prefix, shortName) = Self.split(name) ?? ("", "")
        if shortName.isEmpty { pax["path"] = name }
        if size > 0o77777777777 { pax["size"] = String(size) }
        if !pax.isEmpty {
            let records = pax.keys.sorted().map { Self.paxRecord($0, pax[$0] ?? "") }.joined()
            let data = Array(records.utf8)
            try file.write(Self.block(name: "PaxHeaders/" + String(name.suffix(80)), prefix: "", size: UInt64(data.count), type: UInt8(ascii: "x"), mode: 0o644))
            try file.write(data)
            try pad(UInt64(data.count))
        }
        try file.write(Self.block(name: shortName.isEmpty ? String(name.suffix(99)) : shortName, prefix: prefix,
                                  size: size > 0o77777777777 ? 0 : size, type: type, mode: mode))
    }

    /// ustar's name/prefix split: name ≤ 100 bytes, prefix ≤ 155, split at a slash.
    static func split(_ name: String) -> (String, String)? {
        let bytes = Array(name.utf8)
        if bytes.count <= 100 { return ("", name) }
        for index in stride(from: min(bytes.count - 1, 155), through: 1, by: -1) where bytes[index] == UInt8(ascii: "/") {
            let prefix = bytes[..<index], rest = bytes[(index + 1)...]
            if rest.count <= 100 && !rest.isEmpty {
                return (String(decoding: prefix, as: UTF8.self), String(decoding: rest, as: UTF8.self))
            }
        }
        return nil
    }

    /// "%d %s=%s\n" where the length counts the whole record, itself included.
    static func paxRecord(_ key: String, _ value: String) -> String {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return "\(length)\(body)"
    }

    static func block(name: String, prefix: String, size: UInt64, type: UInt8, mode: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(UInt64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)      // uid
        octal(0, at: 116, width: 8)      // gid
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)     // mtime
        block[156] = type
        put("ustar\u{0}00", at: 257, width: 8)
        octal(0, at: 329, width: 8)      // devmajor
        octal(0, at: 337, width: 8)      // devminor
        put(prefix, at: 345, width: 155)
        // Checksum: the sum of all bytes with the checksum field read as spaces.
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, at: 148, width: 6)
        block[154] = 0
        block[155] = 0x20
        return block
    }
}
