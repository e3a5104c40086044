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

    /// One line on stderr, prefixed with the program name.
    static func error(_ message: String) {
        write(STDERR_FILENO, "manifold: " + message + "\n")
    }

    /// Whether stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private static func write(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }  // a closed pipe: nothing more to say
                offset += written
            }
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
