import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// cosign's `sha256-<hex>.att` (attestations) and `sha256-<hex>.sbom` tags on a registry go
/// wherever the image goes, as its `.sig` tag does: a copy to another registry, a pull into
/// an oci-archive and a push of that archive, `copy --all-tags`. Lost, they would be data a
/// copy silently dropped. The registry is filled with skopeo, and skopeo says what it holds.
extension AttachedTransitTests {
    /// One manifest under one of cosign's tags: the tag and the manifest's digest.
    struct CosignTagged: Sendable {
        let tag: String
        let digest: String
    }

    /// The two-platform index pushed as REPOSITORY:v1, with cosign's tags pushed beside it
    /// by skopeo: an attestation and an SBOM of the index, an attestation of its second
    /// platform manifest (`cosign attest --recursive`). Each is a manifest as cosign writes
    /// it: a config listing the layer's digest as its diff_id, one uncompressed layer.
    func attestedImage(_ registry: TestRegistry, _ repository: String) throws -> (image: PushedImage, attached: [CosignTagged]) {
        let image = try registry.push(.twoPlatformIndex, to: repository)
        let platforms = image.children
        #expect(platforms.count == 2)
        let layout = image.layout
        let blobs = layout.appendingPathComponent("blobs/sha256")
        func put(_ text: String) throws -> (digest: String, size: Int) {
            let digest = try sha256(Array(text.utf8))
            try Data(text.utf8).write(to: blobs.appendingPathComponent(digest.encoded))
            return (digest.description, text.utf8.count)
        }
        func manifest(layerType: String, layer text: String) throws -> (digest: String, size: Int) {
            let layer = try put(text)
            let config = try put(#"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\#(layer.digest)"]},"config":{}}"#)
            return try put(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(config.digest)","size":\#(config.size)},"layers":[{"mediaType":"\#(layerType)","digest":"\#(layer.digest)","size":\#(layer.size)}]}"#)
        }
        let envelope = "application/vnd.dsse.envelope.v1+json"
        let made: [(subject: String, suffix: String, manifest: (digest: String, size: Int))] = [
            (image.digest, ".att", try manifest(layerType: envelope, layer: #"{"payloadType":"application/vnd.in-toto+json","payload":"eyJfdHlwZSI6ImluZGV4In0=","signatures":[{"keyid":"","sig":"aW5kZXg="}]}"#)),
            (image.digest, ".sbom", try manifest(layerType: "text/spdx+json", layer: #"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app"}"#)),
            (platforms[1], ".att", try manifest(layerType: envelope, layer: #"{"payloadType":"application/vnd.in-toto+json","payload":"eyJfdHlwZSI6ImFybTY0In0=","signatures":[{"keyid":"","sig":"YXJtNjQ="}]}"#)),
        ]
        let file = layout.appendingPathComponent("index.json")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var entries = index["manifests"] as? [[String: Any]] ?? []
        var attached: [CosignTagged] = []
        for (subject, suffix, manifest) in made {
            let tag = subject.replacingOccurrences(of: ":", with: "-") + suffix
            entries.append(["mediaType": MediaType.ociManifest, "digest": manifest.digest, "size": manifest.size,
                            "annotations": ["org.opencontainers.image.ref.name": tag]])
            attached.append(CosignTagged(tag: tag, digest: manifest.digest))
        }
        index["manifests"] = entries
        try JSONSerialization.data(withJSONObject: index).write(to: file)
        for tagged in attached {
            try registry.push(layout: layout, tag: tagged.tag, to: repository, as: tagged.tag)
        }
        return (image, attached)
    }

    /// The digest of what REPOSITORY:TAG holds, from skopeo's exact bytes; nil when absent.
    func heldDigest(_ registry: TestRegistry, _ repository: String, _ tag: String) throws -> String? {
        let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference(repository)):\(tag)'"])
        guard raw.status == 0 else { return nil }
        return try sha256(Array(raw.stdoutData)).description
    }

    func refName(_ entry: [String: Any]) -> String? {
        (entry["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"]
    }

    @Test func attestationAndSBOMTagsGoFromRegistryToRegistryAndNotWithRemoveSignatures() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (image, attached) = try attestedImage(registry, "attested/app")
        for tagged in attached { #expect(try heldDigest(registry, "attested/app", tagged.tag) == tagged.digest, "\(tagged.tag)") }

        let copied = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("attested/app")):v1", "\(registry.reference("copied/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(try heldDigest(registry, "copied/app", "v1") == image.digest)
        for tagged in attached {
            #expect(copied.stdout.contains("\(tagged.tag) \(tagged.digest)"), "\(copied.stdout)")
            #expect(try heldDigest(registry, "copied/app", tagged.tag) == tagged.digest, "\(tagged.tag) at the destination")
        }

        let bare = try run(manifoldBinary, ["copy", "--remove-signatures", "--src-tls-verify=false", "--dest-tls-verify=false",
                                            "\(registry.reference("attested/app")):v1", "\(registry.reference("bare/app")):v1"])
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
        #expect(!bare.stdout.contains("with it:"), "\(bare.stdout)")
        #expect(try heldDigest(registry, "bare/app", "v1") == image.digest)
        for tagged in attached { #expect(try heldDigest(registry, "bare/app", tagged.tag) == nil, "\(tagged.tag) left behind") }
    }

    /// `--platform` as for `.sig` tags: the index is rewritten to a new digest, so what is
    /// attached to the source index stays behind, named; the kept platform's attestation goes.
    @Test func copyWithPlatformLeavesTheIndexAttachmentsBehindAndCarriesThePlatforms() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (_, attached) = try attestedImage(registry, "attested/app")
        let copied = try run(manifoldBinary, ["copy", "--platform", "linux/arm64", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("attested/app")):v1", "\(registry.reference("arm/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        let (ofIndex, ofPlatform) = (attached.prefix(2), attached[2])
        #expect(try heldDigest(registry, "arm/app", ofPlatform.tag) == ofPlatform.digest)
        #expect(copied.stdout.contains("with it: \(ofPlatform.tag) \(ofPlatform.digest)"), "\(copied.stdout)")
        let leftBehind = copied.stdout.components(separatedBy: "\n").first { $0.hasPrefix("left behind") } ?? ""
        for tagged in ofIndex {
            #expect(leftBehind.contains(tagged.tag), "\(tagged.tag): \(copied.stdout)")
            #expect(try heldDigest(registry, "arm/app", tagged.tag) == nil, "\(tagged.tag) left behind")
        }
    }

    /// A pull into an oci-archive lists each under its tag, as `cosign save` and a pull of a
    /// `.sig` do; a push of the archive publishes them again under the same tags.
    @Test func attestationAndSBOMTagsArePulledIntoAnArchiveAndPushedAgain() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (image, attached) = try attestedImage(registry, "attested/app")
        let archive = directory.appendingPathComponent("pulled.tar")
        let pulled = try run(manifoldBinary, ["pull", "--tls-verify=false", "\(registry.reference("attested/app")):v1", "-o", archive.path])
        #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
        let entries = try indexEntries(archive)
        #expect(entries.first.map(refName) == "v1" && entries.first?["digest"] as? String == image.digest, "\(entries)")
        let listed = Dictionary(entries.compactMap { entry in refName(entry).map { ($0, entry["digest"] as? String) } }, uniquingKeysWith: { first, _ in first })
        for tagged in attached { #expect(listed[tagged.tag] == tagged.digest, "\(tagged.tag) in \(entries)") }
        #expect(entries.count == 1 + attached.count, "\(entries)")
        #expect(try run(manifoldBinary, ["verify", archive.path]).status == 0)

        let republished = try run(manifoldBinary, ["push", "--tls-verify=false", archive.path, "\(registry.reference("again/app")):v1"])
        #expect(republished.status == 0, "\(republished.stdout)\(republished.stderr)")
        #expect(try heldDigest(registry, "again/app", "v1") == image.digest)
        for tagged in attached { #expect(try heldDigest(registry, "again/app", tagged.tag) == tagged.digest, "\(tagged.tag) pushed again") }

        // --remove-signatures: the image alone in the archive.
        let bare = directory.appendingPathComponent("bare.tar")
        let pulledBare = try run(manifoldBinary, ["pull", "--remove-signatures", "--tls-verify=false", "\(registry.reference("attested/app")):v1", "-o", bare.path])
        #expect(pulledBare.status == 0, "\(pulledBare.stdout)\(pulledBare.stderr)")
        #expect(try indexEntries(bare).map { $0["digest"] as? String } == [image.digest])
    }

    /// `copy --all-tags` copies no attachment tag as an image of its own, and each still
    /// arrives, with its image: one manifest PUT per tag in the destination's log.
    @Test func copyAllTagsCarriesAttestationAndSBOMTagsExactlyOnce() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (image, attached) = try attestedImage(registry, "attested/app")
        let logBefore = registry.log
        let copied = try run(manifoldBinary, ["copy", "--all-tags", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              registry.reference("attested/app"), registry.reference("mirror/app")])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(try heldDigest(registry, "mirror/app", "v1") == image.digest)
        let log = String(registry.log.dropFirst(logBefore.count))
        for tagged in attached {
            #expect(try heldDigest(registry, "mirror/app", tagged.tag) == tagged.digest, "\(tagged.tag) at the destination")
            let puts = log.components(separatedBy: "\n").filter { $0.contains("PUT") && $0.contains("/v2/mirror/app/manifests/\(tagged.tag)") }
            #expect(puts.count == 1, "\(tagged.tag): \(puts)")
        }
        let listed = try run("/bin/sh", ["-c", "skopeo list-tags \(registry.skopeoOptions()) '\(registry.reference("mirror/app"))'"])
        let tags = (try JSONSerialization.jsonObject(with: listed.stdoutData) as? [String: Any])?["Tags"] as? [String] ?? []
        #expect(Set(tags) == Set(["v1"] + attached.map(\.tag)), "\(listed.stdout)")
    }

    /// An image with nothing attached costs a copy only the lookups that find nothing, each
    /// asked once: per manifest (the index and its two platforms) the `.sig`, `.att` and
    /// `.sbom` tags and, distribution 2.8 having no referrers API, the tag schema's index.
    /// (Its router answers `/referrers/` 404 without a log line, so those are not counted.)
    @Test func anUnsignedCopyAsksEachAttachedLookupOnce() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let image = try registry.push(.twoPlatformIndex, to: "plain/app")
        let logBefore = registry.log
        let copied = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("plain/app")):v1", "\(registry.reference("plain-copy/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(!copied.stdout.contains("with it:"), "\(copied.stdout)")
        let lookups = String(registry.log.dropFirst(logBefore.count)).components(separatedBy: "\n").compactMap { line -> String? in
            guard line.contains("response completed"), let uri = line.components(separatedBy: " ").first(where: { $0.hasPrefix("http.request.uri=/v2/plain/app/manifests/sha256-") }) else { return nil }
            return String(uri.dropFirst("http.request.uri=/v2/plain/app/manifests/".count))
        }
        var expected: [String] = []
        for digest in [image.digest] + image.children {
            let tag = digest.replacingOccurrences(of: ":", with: "-")
            expected += [tag + ".sig", tag + ".att", tag + ".sbom", tag]
        }
        #expect(lookups.sorted() == expected.sorted(), "\(lookups)")
    }
}
