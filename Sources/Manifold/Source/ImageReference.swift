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

    /// Splits `PATH:TAG` at the colon after which PATH exists, the rightmost such colon
    /// when several do, unless the whole string names an existing file (paths may hold
    /// colons, and docker tags do: `save.tar:example/app:1.0`). `exists` tests a path.
    public init(parsing text: String, exists: (String) -> Bool = pathExists) {
        path = text
        tag = nil
        guard !exists(text) else { return }
        for colon in text.indices.reversed() where text[colon] == ":" && colon != text.startIndex {
            let prefix = String(text[..<colon])
            if exists(prefix) {
                path = prefix
                tag = String(text[text.index(after: colon)...])
                return
            }
        }
    }

    public var description: String { tag.map { "\(path):\($0)" } ?? path }
}

/// Whether anything (file, directory, link) exists at `path`.
public func pathExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
