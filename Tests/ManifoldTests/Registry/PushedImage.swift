import Foundation

/// An image a test pushed into a ``TestRegistry``: where it is and the exact bytes of its top
/// document (what the registry must serve back, and what its digest is of).
struct PushedImage: Sendable {
    let repository: String
    let tag: String
    /// The digest of the top document (`sha256:…`).
    let digest: String
    let mediaType: String
    /// The top document's bytes, as in the fixture layout.
    let raw: Data
    /// The fixture layout it came from (its blobs are every blob the registry now holds for it).
    let layout: URL

    /// The blob digests the document names directly: an index's manifests, or a manifest's
    /// config and layers (in that order).
    var children: [String] {
        guard let object = try? JSONSerialization.jsonObject(with: raw) as? [String: Any] else { return [] }
        if let manifests = object["manifests"] as? [[String: Any]] { return manifests.compactMap { $0["digest"] as? String } }
        let config = (object["config"] as? [String: Any])?["digest"] as? String
        return [config].compactMap { $0 } + (object["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
    }

    /// The layer digests of a manifest (empty for an index).
    var layers: [String] {
        guard let object = try? JSONSerialization.jsonObject(with: raw) as? [String: Any] else { return [] }
        return (object["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
    }
}
