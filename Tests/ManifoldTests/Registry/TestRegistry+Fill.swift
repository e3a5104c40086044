import Foundation
@testable import Manifold

/// Filling a test registry with skopeo, and breaking what it stores.
extension TestRegistry {
    /// Pushes `fixture` as REPOSITORY:TAG with `skopeo copy --all --preserve-digests`, so the
    /// registry holds the fixture's documents byte for byte (the pushed digest is checked).
    @discardableResult
    func push(_ fixture: RegistryFixture, to repository: String, tag: String = "v1", as user: RegistryUser? = .writer) throws -> PushedImage {
        let (layout, sourceTag) = try fixture.layout()
        return try push(layout: layout, tag: sourceTag, to: repository, as: tag, user: user, mediaType: fixture.mediaType)
    }

    /// Pushes the image tagged `sourceTag` in an OCI layout; see ``push(_:to:tag:as:)``.
    @discardableResult
    func push(layout: URL, tag sourceTag: String, to repository: String, as tag: String = "v1", user: RegistryUser? = .writer, mediaType: String = "") throws -> PushedImage {
        let descriptor = try Self.descriptor(in: layout, tag: sourceTag)
        let raw = try Data(contentsOf: layout.appendingPathComponent("blobs/sha256/\(descriptor.digest.dropFirst("sha256:".count))"))
        // skopeo 1.9 finds a tag only on an OCI media type: a layout holding one image (the
        // Docker manifest list's) is named without one.
        let source = descriptor.only ? "oci:\(layout.path)" : "oci:\(layout.path):\(sourceTag)"
        let copied = try run("/bin/sh", ["-c", "skopeo copy -q --all --preserve-digests \(skopeoOptions(.destination, as: user)) '\(source)' '\(reference(repository)):\(tag)'"])
        guard copied.status == 0 else {
            throw ManifoldError(.internalFailure, "skopeo copy into \(host)/\(repository):\(tag) failed: \(copied.stderr)")
        }
        let digest = try sha256(Array(raw)).description
        guard digest == descriptor.digest else { throw ManifoldError(.internalFailure, "\(layout.path): \(sourceTag) names \(descriptor.digest), bytes are \(digest)") }
        return PushedImage(repository: repository, tag: tag, digest: digest, mediaType: mediaType.isEmpty ? descriptor.mediaType : mediaType, raw: raw, layout: layout)
    }

    /// The file the registry serves blob `digest` from (manifests are blobs there too).
    func blobFile(_ digest: String) -> URL {
        let hex = String(digest.dropFirst("sha256:".count))
        return storageRoot.appendingPathComponent("docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
    }

    /// Flips one byte of the stored blob `digest` (in the middle unless `offset` says where),
    /// keeping its size: the registry goes on serving it under the old digest (it does not
    /// re-hash on read), as a corrupted disk or a hostile mirror would.
    func tamperWithBlob(_ digest: String, at offset: Int? = nil) throws {
        let file = blobFile(digest)
        var data = try Data(contentsOf: file)
        guard !data.isEmpty else { throw ManifoldError(.internalFailure, "\(digest) is empty on the registry") }
        data[offset ?? data.count / 2] ^= 0x01
        try data.write(to: file)
    }

    /// The descriptor index.json gives `tag` in a layout, and whether it is the only one.
    private static func descriptor(in layout: URL, tag: String) throws -> (digest: String, mediaType: String, only: Bool) {
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.appendingPathComponent("index.json"))) as? [String: Any]
        let manifests = index?["manifests"] as? [[String: Any]] ?? []
        for descriptor in manifests {
            let annotations = descriptor["annotations"] as? [String: String]
            if annotations?["org.opencontainers.image.ref.name"] == tag, let digest = descriptor["digest"] as? String {
                return (digest, descriptor["mediaType"] as? String ?? "", manifests.count == 1)
            }
        }
        throw ManifoldError(.internalFailure, "\(layout.path) has no tag \(tag)")
    }
}
