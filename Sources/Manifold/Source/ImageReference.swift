#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `PATH` or `PATH:TAG`: an image on disk, and optionally which of its tagged images.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var tag: String?

    public init(path: String, tag: String? = nil) {
        self.path = path
        self.tag = tag
    }

    /// Splits `PATH:TAG` at its last colon, unless the whole string names an existing file
    /// (paths may contain colons); `exists` is how a path is tested.
    public init(parsing text: String, exists: (String) -> Bool = pathExists) {
        if !exists(text), let colon = text.lastIndex(of: ":"), colon != text.startIndex,
           exists(String(text[..<colon])), !text[text.index(after: colon)...].contains("/")
        {
            path = String(text[..<colon])
            tag = String(text[text.index(after: colon)...])
        } else {
            path = text
            tag = nil
        }
    }

    public var description: String { tag.map { "\(path):\($0)" } ?? path }
}

/// Whether anything (file, directory, link) exists at `path`.
public func pathExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
