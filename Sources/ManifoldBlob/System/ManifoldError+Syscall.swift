#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The one place an errno becomes an error, as swift-nio's FileSystemError+Syscall does:
// every failed system call keeps its name and errno as the cause, and reads the same way.
extension ManifoldError {
    /// The error for a failed system call: "`path`: cannot `action`: `strerror(errno)`", with
    /// the call and `errno` kept as its ``SystemError`` cause.
    ///
    /// - Parameters:
    ///   - code: ``Code/unreadable`` when reading failed, ``Code/unwritable`` when writing,
    ///     creating, renaming or making a directory did.
    ///   - path: What the call was made on, as the user named it; nil when the caller puts
    ///     the name in front itself.
    ///   - action: What could not be done, after "cannot"; by default the call's plain
    ///     meaning ("open", "read", "write"…).
    package init(_ code: Code, path: String?, syscall: String, errno: Int32, action: String? = nil,
         file: String = #fileID, line: Int = #line) {
        let what = action ?? Self.action(of: syscall)
        let reason = String(cString: strerror(errno))
        self.init(code, "\(path.map { "\($0): " } ?? "")cannot \(what): \(reason)",
                  cause: SystemError(syscall, errno: errno), file: file, line: line)
    }

    private static func action(of syscall: String) -> String {
        switch syscall {
        case "open", "openat": "open"
        case "read", "pread": "read"
        case "write", "pwrite": "write"
        case "fstat", "fstatat", "stat": "stat"
        case "mkdir", "mkdirat": "create the directory"
        case "rename", "renameat", "renameat2": "rename"
        case "link", "linkat": "link"
        default: syscall
        }
    }
}
