// https://www.rfc-editor.org/rfc/rfc3339#section-5.6
// https://github.com/opencontainers/image-spec/blob/main/config.md ("created": "RFC 3339, section 5.6")

/// The `date-time` grammar of RFC 3339 §5.6, which the image config's `created` fields use.
///
/// `full-date "T" partial-time time-offset`: `2015-10-31T22:22:56.015925234Z`, or with an
/// offset such as `+02:00`. `T` and `Z` may be lowercase (RFC 3339 §5.6, note). Field ranges
/// are checked (month 01–12, the month's day count with leap years, hour 00–23, minute
/// 00–59, second 00–60 for a leap second); any number of fraction digits is allowed.
enum RFC3339 {
    static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        // YYYY-MM-DDTHH:MM:SS is 19 bytes; an offset adds at least 1.
        guard bytes.count >= 20,
              let year = number(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
              let month = number(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
              let day = number(bytes, 8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              let hour = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, 17, 2)
        else { return false }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart else { return false }
        }
        // time-offset = "Z" / ("+" / "-") time-hour ":" time-minute
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { return index + 1 == bytes.count }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
              let offsetHour = number(bytes, index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
              let offsetMinute = number(bytes, index + 4, 2)
        else { return false }
        return offsetHour <= 23 && offsetMinute <= 59
    }

    /// The decimal value of `count` digits at `start`, or nil when any is not a digit.
    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
