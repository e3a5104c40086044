import Manifold

/// A manifest or index as a registry served it: the exact bytes, their digest (computed
/// here, never the registry's `Docker-Content-Digest`) and the media type.
package struct RegistryManifest: Sendable {
    /// The document's bytes, exactly as received.
    package let bytes: [UInt8]
    /// sha256 of ``bytes`` (or the algorithm of the digest it was asked for by).
    package let digest: Digest
    /// From `Content-Type`, else the document's `mediaType`.
    package let mediaType: String

    package init(bytes: [UInt8], digest: Digest, mediaType: String) {
        self.bytes = bytes
        self.digest = digest
        self.mediaType = mediaType
    }
}
