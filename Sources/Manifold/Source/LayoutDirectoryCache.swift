#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directories of a layout that hold files (`blobs/sha256`), each opened once and kept
/// open while the layout is, so a blob costs one `openat` instead of one per path component.
///
/// Opened as ``OpenFile/openDirectories(in:components:)`` does (no symlink followed, only
/// directories): what is cached passed the same refusals as a fresh open. Only directories
/// that exist are kept; an absent one, or one refused, is looked up again next time, so
/// each caller gets the same answer (nil, or the same error) as without the cache.
///
/// `@unchecked Sendable`: the map is only touched under its lock; descriptors are closed
/// only in `deinit`, when no reader is left.
final class LayoutDirectoryCache: @unchecked Sendable {
    /// The layout's directory, held so it outlives the descriptors opened below it.
    private let root: OpenFile
    private let opened = Locked<[[String]: Int32]>([:])

    init(root: OpenFile) {
        self.root = root
    }

    deinit {
        opened.withLock { for fd in $0.values { close(fd) } }
    }

    /// The descriptor of the directory `components` below the root, or nil when absent.
    func directory(_ components: [String]) throws -> Int32? {
        try opened.withLock { opened in
            if let fd = opened[components] { return fd }
            guard let fd = try OpenFile.openDirectories(in: root.descriptor, components: components) else { return nil }
            opened[components] = fd
            return fd
        }
    }
}
