import Foundation
@testable import Manifold

/// The images the tests push into a ``TestRegistry``, from Vectors/images (see images.tsv):
/// one per kind of top-level document and layer compression a registry client must handle.
enum RegistryFixture: String, Sendable, CaseIterable {
    /// An OCI index of two platform manifests (linux/amd64, linux/arm64/v8), gzip layers.
    case twoPlatformIndex
    /// A Docker v2s2 manifest list of two Docker manifests (amd64, arm/v7), gzip layers.
    case dockerManifestList
    /// One OCI manifest with tar+zstd layers.
    case zstdLayers
    /// One OCI manifest with tar+gzip layers (oci-two-platforms' amd64).
    case gzipLayers
    /// One OCI manifest whose gzip layers have two members each.
    case multiMemberGzip

    /// An OCI layout holding the image and the tag naming its top document there.
    func layout() throws -> (url: URL, tag: String) {
        switch self {
        case .twoPlatformIndex: return (try Self.twoPlatformIndexLayout(), "latest")
        case .dockerManifestList: return (ImageFixtures.directory.appendingPathComponent("docker-media-types"), "latest")
        case .zstdLayers: return (ImageFixtures.directory.appendingPathComponent("zstd-layers"), "latest")
        case .gzipLayers: return (ImageFixtures.directory.appendingPathComponent("oci-two-platforms"), "amd64")
        case .multiMemberGzip: return (ImageFixtures.directory.appendingPathComponent("multi-member-gzip"), "latest")
        }
    }

    /// The media type of the document the tag names.
    var mediaType: String {
        switch self {
        case .twoPlatformIndex: MediaType.ociIndex
        case .dockerManifestList: MediaType.dockerManifestList
        case .zstdLayers, .gzipLayers, .multiMemberGzip: MediaType.ociManifest
        }
    }

    /// oci-two-platforms lists its two manifests in index.json; a registry tag names one
    /// document, so this copy adds the index a multi-arch push sends (the same two descriptors,
    /// without the layout's ref.name annotations) and tags it `latest`.
    private static func twoPlatformIndexLayout() throws -> URL {
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let indexJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.appendingPathComponent("index.json"))) as? [String: Any]
        let manifests = (indexJSON?["manifests"] as? [[String: Any]] ?? []).map { descriptor in
            descriptor.filter { $0.key != "annotations" }
        }
        let index = try JSONSerialization.data(withJSONObject: [
            "schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": manifests,
        ] as [String: Any], options: [.sortedKeys, .withoutEscapingSlashes])
        let digest = try sha256(Array(index))
        try index.write(to: layout.appendingPathComponent("blobs/sha256/\(digest.encoded)"))
        try Data(#"{"schemaVersion":2,"manifests":[{"mediaType":"\#(MediaType.ociIndex)","digest":"\#(digest)","size":\#(index.count),"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}"#.utf8)
            .write(to: layout.appendingPathComponent("index.json"))
        return layout
    }
}
