import ArgumentParser
import Manifold
import ManifoldRegistry

/// Turns pull's SOURCE text into the provider to read and the reference that selects among
/// its images: the one place a registry provider plugs in. `docker://REF` is a registry;
/// a transport prefix (`oci:`, `oci-archive:`, `docker-archive:`) or a path that exists is
/// a file; anything else is a bare registry reference, as `docker pull` reads it.
enum PullSource {
    static func open(_ text: String, limits: ImageLimits, registry: RegistryFlags) throws
        -> (source: any ContentProvider, reference: LocalImageReference)
    {
        if let remote = try registrySource(text, flags: registry) { return remote }
        if let local = try? LocalImageReference(parsing: text), local.transport != nil || pathExists(local.path) {
            return (try local.open(limits: limits), local)
        }
        if let remote = try? registrySource(RegistryReference.transportPrefix + text, flags: registry) { return remote }
        // Neither: the file's error (it names the path) says the most.
        let reference = try LocalImageReference(parsing: text)
        return (try reference.open(limits: limits), reference)
    }
}
