import ArgumentParser

/// A duration as Go (and so skopeo's `--command-timeout`) writes one: numbers with units,
/// `500ms`, `30s`, `5m`, `1h`, `1m30s`, decimals allowed (`1.5s`). A bare number is refused:
/// `--timeout 30` could mean seconds or minutes.
enum DurationText {
    static func parse(_ text: String, option: String) throws -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        var seconds = 0.0
        guard !rest.isEmpty else { throw ValidationError("\(option): give a duration such as 30s, 5m or 1h30m") }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            // "ms" before "m": the first unit that begins the rest wins.
            guard let value = Double(number), let unit = units.first(where: { rest.hasPrefix($0.0) }) else {
                throw ValidationError("\(option): \(text) is not a duration; write it as 30s, 5m, 1h30m or 500ms")
            }
            seconds += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        guard seconds > 0, seconds < 365 * 24 * 3600 else { throw ValidationError("\(option): \(text) must be more than 0 and less than a year") }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}
