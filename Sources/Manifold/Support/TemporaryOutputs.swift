#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files and directories this process writes beside its outputs, in one place
/// for every command that writes (pack today; pull and copy later).
///
/// Each temporary is created through ``create(in:name:_:)``, which registers it and takes an
/// exclusive `flock` on it for as long as its writer keeps it open; it is forgotten when it is
/// renamed into place or removed. So:
/// - ``removeAll()`` — what the CLI calls on SIGINT, SIGTERM or SIGHUP — removes everything
///   this run created and nothing else;
/// - a run killed outright (SIGKILL, power loss) leaves temporaries that are recognisable by
///   name (`.NAME.manifold-PID-RANDOM.tmp`, and `….tmp.old` for an output being replaced),
///   and ``sweep(in:output:)`` removes those whose writer is gone: its PID no longer exists
///   *and* nobody holds the lock (a writer in another PID namespace still holds its lock).
public enum TemporaryOutputs {
    /// A registered temporary: a private duplicate of its parent's descriptor (so it stays
    /// valid whatever the owner closes) and its name there.
    private struct Entry {
        let parent: Int32
        let name: String
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var next = 0
        /// Set by `removeAll`: nothing new may be created after it.
        var closing = false
    }

    private static let state = Locked(State())

    /// A fresh temporary name for `output` (a name in its parent directory).
    static func name(for output: String) -> String {
        ".\(output).manifold-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Creates a temporary with `make` (which returns an open descriptor of what it created,
    /// or throws), under the registry's lock so that ``removeAll()`` either runs before it —
    /// and then nothing is created — or sees it. The descriptor is locked with `flock` and
    /// returned; the caller owns it. The returned token forgets the temporary.
    static func create(in parent: Int32, name: String, _ make: () throws -> Int32) throws -> (descriptor: Int32, token: Int) {
        try state.withLock { state in
            guard !state.closing else {
                throw ManifoldError(.invalidArgument, "interrupted")
            }
            let descriptor = try make()
            // Advisory, but every manifold honours it; a failure only weakens the sweep.
            _ = flock(descriptor, LOCK_EX | LOCK_NB)
            let token = state.next
            state.next += 1
            state.entries[token] = Entry(parent: dup(parent), name: name)
            return (descriptor, token)
        }
    }

    /// Registers an entry that already exists under a temporary name (an output moved aside
    /// while it is replaced), inside `body`, which runs under the registry's lock.
    static func renaming<Result>(_ body: (_ register: (_ parent: Int32, _ name: String) -> Int, _ forget: (Int) -> Void) throws -> Result) throws -> Result {
        try state.withLock { state in
            try body({ parent, name in
                let token = state.next
                state.next += 1
                state.entries[token] = Entry(parent: dup(parent), name: name)
                return token
            }, { token in
                if let entry = state.entries.removeValue(forKey: token) { close(entry.parent) }
            })
        }
    }

    /// Forgets a temporary: it was renamed into place or removed by its owner.
    static func forget(_ token: Int) {
        state.withLock { state in
            if let entry = state.entries.removeValue(forKey: token) { close(entry.parent) }
        }
    }

    /// Removes every temporary this process has registered and refuses new ones: what an
    /// interrupted command does before it exits. Safe to call from any thread.
    public static func removeAll() {
        state.withLock { state in
            state.closing = true
            for entry in state.entries.values {
                removeTree(entry.name, in: entry.parent)
                close(entry.parent)
            }
            state.entries.removeAll()
        }
    }

    /// Removes, from the directory `parent`, the temporaries of earlier runs writing `output`
    /// whose writer is gone; returns their names.
    @discardableResult
    static func sweep(in parent: Int32, output: String) -> [String] {
        var removed: [String] = []
        for name in abandoned(in: parent, output: output) {
            let fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 {
                let free = flock(fd, LOCK_EX | LOCK_NB) == 0
                close(fd)
                guard free else { continue }
            }
            removeTree(name, in: parent)
            removed.append(name)
        }
        return removed
    }

    /// The temporaries of earlier runs writing `output` whose PID is gone (their lock is
    /// still to be checked: a writer in another PID namespace holds it).
    static func abandoned(in parent: Int32, output: String) -> [String] {
        let prefix = ".\(output).manifold-"
        return directoryNames(parent).filter { name in
            guard name.hasPrefix(prefix), name.hasSuffix(".tmp") || name.hasSuffix(".tmp.old") else { return false }
            let fields = name.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard fields.count == 2, let pid = pid_t(fields[0]), pid > 0, pid != getpid() else { return false }
            // The PID is alive (or not ours to signal): its writer may be at work.
            return kill(pid, 0) != 0 && errno == ESRCH
        }
    }

    /// Removes an entry of `directory` and, for a directory, everything below it, never
    /// following a symlink. Tries again when the directory is not empty yet (a writer on
    /// another thread may still be adding to it while an interrupt removes it).
    static func removeTree(_ entry: String, in directory: Int32) {
        for _ in 0..<8 {
            if unlinkat(directory, entry, 0) == 0 { return }
            let fd = openat(directory, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { return }
            for name in directoryNames(fd) { removeTree(name, in: fd) }
            close(fd)
            if unlinkat(directory, entry, AT_REMOVEDIR) == 0 || errno == ENOENT { return }
        }
    }
}
