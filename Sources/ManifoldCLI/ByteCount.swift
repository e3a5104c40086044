import ArgumentParser
import Manifold

/// A byte count as a size flag takes it: plain bytes (`4194304`) or a whole number with a unit
/// as the README writes sizes — binary `KiB` `MiB` `GiB` `TiB` (1024ⁿ) or decimal `kB` `MB`
/// `GB` `TB` (1000ⁿ); the unit's letters are case-insensitive and its final `B` is optional
/// (`512m` is `512MB`, `64Ki` is `64KiB`).
///
/// One type for every size flag, so `--max-layer-size 1GiB` means the same on every command.
/// Fractions (`1.5GiB`), signs, spaces, unknown units and counts that do not fit in 63 bits
/// are refused: a limit is never silently rounded.
struct ByteCount: ExpressibleByArgument, Hashable, Sendable, CustomStringConvertible {
    let bytes: UInt64

    init(_ bytes: UInt64) {
        self.bytes = bytes
    }

    /// The multiplier of each unit, lowercase, without its optional trailing `b`.
    private static let units: [String: UInt64] = [
        "": 1,
        "k": 1000, "m": 1000 * 1000, "g": 1000 * 1000 * 1000, "t": 1000 * 1000 * 1000 * 1000,
        "ki": 1 << 10, "mi": 1 << 20, "gi": 1 << 30, "ti": 1 << 40,
    ]

    /// Parses `text`, or says what is wrong with it.
    static func parse(_ text: String) -> Result<ByteCount, ParseError> {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else {
            if text.hasPrefix("-") { return .failure(.negative) }
            return .failure(.notANumber)
        }
        var unit = text[digits.endIndex...].lowercased()
        if unit.hasPrefix(".") || unit.hasPrefix(",") { return .failure(.fraction) }
        if unit.hasSuffix("b") { unit.removeLast() }
        guard let multiplier = units[unit] else { return .failure(.unknownUnit(String(text[digits.endIndex...]))) }
        // Digits beyond UInt64 do not parse; the product is checked against Int64.max because
        // the library takes most limits as Int and file sizes as off_t.
        guard let count = UInt64(digits) else { return .failure(.tooLarge) }
        let (product, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow, product <= UInt64(Int64.max) else { return .failure(.tooLarge) }
        return .success(ByteCount(product))
    }

    enum ParseError: Error, Equatable, CustomStringConvertible {
        case notANumber, negative, fraction, tooLarge
        case unknownUnit(String)

        var description: String {
            switch self {
            case .notANumber: "not a size; give bytes or a whole number and a unit: 64KiB, 512MiB, 1GiB, 4MB, 1kB"
            case .negative: "a size cannot be negative"
            case .fraction: "fractions are not supported; use a smaller unit (1536MiB, not 1.5GiB)"
            case .tooLarge: "too large (the most is 8 EiB - 1)"
            case .unknownUnit(let unit): "unknown unit \(quoted(unit)); the units are KiB, MiB, GiB, TiB (1024ⁿ) and kB, MB, GB, TB (1000ⁿ)"
            }
        }
    }

    init?(argument: String) {
        guard case .success(let count) = Self.parse(argument) else { return nil }
        self = count
    }

    /// Exactly what parses back to the same count, in the largest binary unit that divides it.
    var description: String {
        for (suffix, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> UInt64(shift))\(suffix)"
        }
        return "\(bytes)"
    }

    /// Shown in `--help` as the flag's default.
    var defaultValueDescription: String { description }

    /// The count as an `Int` for the limits the library takes as `Int` (parse caps it).
    var int: Int { Int(clamping: bytes) }
}

/// Turns a size flag's text into a `ByteCount`, with the reason in argument-parser's error
/// (which names the flag and the value itself).
///
/// argument-parser's `init?(argument:)` can only say "invalid value"; a transform can say why.
func byteCountFlag(_ text: String) throws -> ByteCount {
    switch ByteCount.parse(text) {
    case .success(let count): return count
    case .failure(let error):
        throw ValidationError("\(error)")
    }
}
