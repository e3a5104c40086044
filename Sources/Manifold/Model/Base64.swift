/// Strict standard base64 (RFC 4648 §4): the alphabet `A–Z a–z 0–9 + /`, `=` padding to a
/// multiple of four, no whitespace, and zero bits where padding leaves bits unused — so each
/// byte string has exactly one encoding, as Go's `encoding/base64` (StdEncoding.Strict) wants.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// The bytes `text` encodes, or nil when it is not strict standard base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 3)
        var index = 0
        while index < bytes.count {
            let quad = bytes[index..<(index + 4)]
            let isLast = index + 4 == bytes.count
            let padding = quad.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var word: UInt32 = 0
            for (position, byte) in quad.enumerated() {
                if position >= 4 - padding { word <<= 6; continue }
                let value = values[Int(byte)]
                guard value >= 0 else { return nil }
                word = word << 6 | UInt32(value)
            }
            let produced = [UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
            // Unused bits must be zero: otherwise two encodings would give the same bytes.
            if padding == 1, produced[2] != 0 { return nil }
            if padding == 2, produced[1] != 0 || produced[2] != 0 { return nil }
            out.append(contentsOf: produced.prefix(3 - padding))
            index += 4
        }
        return out
    }

    /// Standard, padded base64.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var word: UInt32 = 0
            for (position, byte) in chunk.enumerated() { word |= UInt32(byte) << (16 - 8 * UInt32(position)) }
            for position in 0..<4 {
                if position <= chunk.count {
                    out.append(alphabet[Int((word >> (18 - 6 * UInt32(position))) & 0x3f)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
