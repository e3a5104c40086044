import ArgumentParser
import Manifold
import ManifoldRegistry

/// Turns pull's SOURCE text into the provider to read and the reference that selects among
/// its images: the one place a registry provider plugs in. `docker://REF` is a registry;
/// a transport prefix (`oci:`, `oci-archive:`, `docker-archive:`) or a path that exists is
/// a file; text that looks like a path (``looksLikePath(_:)``) and does not exist is a
/// missing file, never a registry reference (a mistyped `app.tar` must not go to Docker Hub);
/// anything else is a bare registry reference, as `docker pull` reads it.
enum PullSource {
    /// `blobProgress` hears of a registry's blobs as they arrive; `listsAttached`: what a
    /// registry's index also lists of what is attached to the image (its signatures).
    static func open(_ text: String, limits: ImageLimits, registry: RegistryFlags, blobProgress: RegistryContentProvider.BlobProgress? = nil,
                     listsAttached: AttachedListing = .none) throws
        -> (source: any ContentProvider, reference: LocalImageReference)
    {
        if let remote = try registrySource(text, flags: registry, blobProgress: blobProgress, listsAttached: listsAttached) { return remote }
        if let local = try? LocalImageReference(parsing: text), local.transport != nil || pathExists(local.path) || looksLikePath(text) {
            return (try local.open(limits: limits), local)
        }
        // Only the parse decides whether the text is a registry reference; once it is, what
        // fails next (a CA in --cert-dir, libcurl) is that registry's error, not a missing file's.
        if !looksLikePath(text), let reference = try? RegistryReference(parsingTransport: RegistryReference.transportPrefix + text) {
            return try registrySource(reference, flags: registry, blobProgress: blobProgress, listsAttached: listsAttached)
        }
        // Neither: the file's error (it names the path) says the most.
        let reference = try LocalImageReference(parsing: text)
        return (try reference.open(limits: limits), reference)
    }

    /// Whether `path` is written as a file would be: it starts with `/`, `./`, `../` or `~`
    /// (or is `.` or `..`), or ends in `.tar`, `.tar.gz` or `.tgz`. No registry reference
    /// starts so, and a repository named like an archive is far less likely than a typo;
    /// `docker://` still reaches one. A `:TAG` or `@DIGEST` after the name is looked past
    /// (`app.tar:v1` is the missing file `app.tar` with a tag).
    static func looksLikePath(_ text: String) -> Bool {
        var path = Substring(text)
        if let at = path.lastIndex(of: "@") { path = path[..<at] }
        if let colon = path.lastIndex(of: ":"), path.lastIndex(of: "/").map({ $0 < colon }) ?? true { path = path[..<colon] }
        if path == "." || path == ".." || text == "." || text == ".." { return true }
        if path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") || path.hasPrefix("~") { return true }
        let lowered = path.lowercased()
        return [".tar", ".tar.gz", ".tgz"].contains { lowered.hasSuffix($0) }
    }
}
