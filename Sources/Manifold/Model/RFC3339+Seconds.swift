extension RFC3339 {
    /// Seconds since the Unix epoch of an RFC 3339 date-time (fractions dropped), or nil when
    /// `text` is not one. Notation's signing time and expiry are compared with certificate
    /// validity in these units.
    static func seconds(_ text: String) -> Int64? {
        guard isDateTime(text) else { return nil }
        let bytes = Array(text.utf8)
        func field(_ start: Int, _ length: Int) -> Int64 {
            bytes[start..<(start + length)].reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
        let year = field(0, 4), month = field(5, 2), day = field(8, 2)
        // Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        var seconds = days * 86_400 + field(11, 2) * 3600 + field(14, 2) * 60 + field(17, 2)
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let offset = field(index + 1, 2) * 3600 + field(index + 4, 2) * 60
            seconds += bytes[index] == UInt8(ascii: "+") ? -offset : offset
        }
        return seconds
    }
}
