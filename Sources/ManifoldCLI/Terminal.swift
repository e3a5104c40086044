#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to stdout and stderr: results to stdout, errors and notes to stderr.
///
/// Straight `write(2)` calls: no Foundation in the binary keeps its resident size small
/// (Foundation's ICU data alone is ~7 MiB), and each line goes out whole.
enum Terminal {
    static func output(_ line: String) {
        write(STDOUT_FILENO, line + "\n")
    }

    /// Bytes exactly as given, no newline added (`inspect --raw`).
    static func outputRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }
    }

    /// One line on stderr, prefixed with the program name.
    static func error(_ message: String) {
        write(STDERR_FILENO, "manifold: " + message + "\n")
    }

    /// Text on stderr exactly as given (a summary that stdout cannot carry).
    static func errorRaw(_ text: String) {
        write(STDERR_FILENO, text)
    }

    /// Replaces the current stderr line (progress); an empty string clears it.
    static func progress(_ text: String) {
        write(STDERR_FILENO, "\r\u{1B}[K" + text)
    }

    /// An error about `subject`, naming it once: library messages about an input often begin
    /// with its path already.
    static func error(_ message: String, about subject: String) {
        error(message.hasPrefix(subject) ? message : "\(subject): \(message)")
    }

    /// Whether stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private static func write(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { writeAll(descriptor, UnsafeRawBufferPointer($0)) }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }  // a closed pipe: nothing more to say
            offset += written
        }
    }
}

/// `write(2)`, named so it cannot be mistaken for ``Terminal``'s own `write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// The number of cores this process may run on: the default for `--jobs`.
func activeCores() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

/// Decimal units, as registries and `docker images` show sizes: 312.4 MB.
func formatBytes(_ count: UInt64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(count)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(count) B" : formatDecimal(value, places: 1) + " " + units[unit]
}

/// A number with a fixed count of decimals, without Foundation's String(format:).
func formatDecimal(_ value: Double, places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded()
    let whole = Int64(scaled / scale)
    let fraction = Int64(abs(scaled - Double(whole) * scale))
    guard places > 0 else { return "\(whole)" }
    let digits = String(fraction)
    return "\(whole)." + String(repeating: "0", count: places - digits.count) + digits
}
