import ArgumentParser
import Manifold

/// Turns pull's SOURCE text into the provider to read and the reference that selects among
/// its images: the one place a registry provider plugs in. Today every reference manifold
/// reads from files (`PATH[:TAG][@DIGEST]`, `oci:`, `oci-archive:`, `docker-archive:`);
/// `docker://REF` (and, later, bare registry references) will return the registry's
/// `ContentProvider` here.
enum PullSource {
    static func open(_ text: String, limits: ImageLimits) throws -> (source: any ContentProvider, reference: LocalImageReference) {
        if text.hasPrefix("docker://") {
            throw PullSourceUnavailable(message: "\(text): registry sources are not supported yet (docker://); pull reads OCI layouts and archives for now")
        }
        let reference = try LocalImageReference(parsing: text)
        return (try reference.open(limits: limits), reference)
    }
}

/// A source pull cannot read yet: exit 2 with its message.
struct PullSourceUnavailable: Error {
    let message: String
}
