import Foundation
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// The referrers tag schema's index as push keeps it: what a referrer is listed as, what is
/// kept of an index already there, and what is never overwritten.
@Suite struct ReferrersTagIndexTests {
    let subject: Digest

    init() throws {
        subject = try Digest(algorithm: .sha256, encoded: String(repeating: "a", count: 64))
    }

    func referrer(artifactType: String?) throws -> (Descriptor, [UInt8]) {
        var manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaType.ociManifest,
            "config": ["mediaType": "application/vnd.example.config+json", "digest": "sha256:" + String(repeating: "b", count: 64), "size": 2],
            "layers": [[String: Any]](),
            "subject": ["mediaType": MediaType.ociManifest, "digest": subject.description, "size": 10],
            "annotations": ["org.example.note": "kept"],
        ]
        if let artifactType { manifest["artifactType"] = artifactType }
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]))
        return (Descriptor(mediaType: MediaType.ociManifest, digest: try DigestHasher.digest(of: bytes), size: Int64(bytes.count)), bytes)
    }

    @Test func aReferrerIsListedWithItsArtifactTypeElseItsConfigTypeAndItsAnnotations() throws {
        let (typed, typedBytes) = try referrer(artifactType: "application/vnd.example.sig")
        let listed = try #require(ReferrersTagIndex.entry(for: typed, bytes: typedBytes))
        #expect(listed.subject == subject)
        #expect(listed.entry.artifactType == "application/vnd.example.sig")
        #expect(listed.entry.annotations == ["org.example.note": "kept"])
        let (untyped, untypedBytes) = try referrer(artifactType: nil)
        #expect(ReferrersTagIndex.entry(for: untyped, bytes: untypedBytes)?.entry.artifactType == "application/vnd.example.config+json")
        #expect(ReferrersTagIndex.tag(for: subject) == "sha256-" + String(repeating: "a", count: 64))
        // An image without a subject is no referrer: no index is touched for it.
        let image = Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":2},"layers":[]}"#.utf8)
        #expect(ReferrersTagIndex.entry(for: Descriptor(mediaType: MediaType.ociManifest, digest: try DigestHasher.digest(of: image), size: Int64(image.count)), bytes: image) == nil)
    }

    @Test func anIndexAlreadyThereKeepsItsEntriesGainsTheNewOneOnceAndAnotherDocumentIsRefused() throws {
        let (first, firstBytes) = try referrer(artifactType: "application/vnd.example.one")
        let (second, secondBytes) = try referrer(artifactType: "application/vnd.example.two")
        let firstEntry = try #require(ReferrersTagIndex.entry(for: first, bytes: firstBytes)).entry
        let secondEntry = try #require(ReferrersTagIndex.entry(for: second, bytes: secondBytes)).entry

        let started = try #require(try ReferrersTagIndex.adding(firstEntry, to: nil, tag: "t"))
        let grown = try #require(try ReferrersTagIndex.adding(secondEntry, to: (started, MediaType.ociIndex), tag: "t"))
        let index = try ImageIndex(json: try JSONParser.parse(grown), declaredMediaType: MediaType.ociIndex)
        #expect(index.manifests.map(\.digest) == [first.digest, second.digest])
        #expect(index.manifests.map(\.artifactType) == ["application/vnd.example.one", "application/vnd.example.two"])
        // Listed already: nothing to put.
        #expect(try ReferrersTagIndex.adding(secondEntry, to: (grown, MediaType.ociIndex), tag: "t") == nil)
        // A tag that holds an image is not the schema's index: never replaced.
        #expect(throws: ManifoldError.self) {
            try ReferrersTagIndex.adding(firstEntry, to: (secondBytes, MediaType.ociManifest), tag: "repo:sha256-aaaa")
        }
    }
}
