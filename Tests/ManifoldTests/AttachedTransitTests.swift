import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Whatever `verify --key` treats as attached to an image of a layout goes along when the
/// image is pushed or copied: a referrer only blobs/ holds (no index.json entry), a
/// signature of a signature, `cosign save`'s SBOMs. Otherwise the source verifies and the
/// copy does not: a signature lost in transit. docker-registry is distribution 2.8 (no
/// referrers API): referrers go into the tag schema's `sha256-<hex>` index, which skopeo reads.
@Suite(.requires(.pythonCryptography, .openssl, .dockerRegistry, .skopeo)) struct AttachedTransitTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    /// A fresh copy of the unsigned layout, signed by `sign --referrer` with a new P-256 key;
    /// the public key, the image's digest and the referrer's.
    func referrerSignedLayout() throws -> (layout: URL, key: String, digest: String, referrer: String) {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try SignTests.keyPair("ecdsa-p256", in: directory, name: "image-key")
        let signed = try SignTests.sign(["--key", keys.private, "--referrer", layout.path])
        guard signed.status == 0 else { throw ManifoldError(.internalFailure, "sign failed: \(signed.stderr)") }
        let entries = try indexEntries(layout)
        let digest = try #require(entries.first?["digest"] as? String)
        let referrer = try #require(entries.last?["digest"] as? String)
        #expect(entries.count == 2 && referrer != digest)
        return (layout, keys.public, digest, referrer)
    }

    /// index.json's entries, read with Foundation (or tar for an archive), not manifold.
    func indexEntries(_ output: URL) throws -> [[String: Any]] {
        let data = output.pathExtension == "tar"
            ? Data(try shell("tar -xOf '\(output.path)' index.json").utf8)
            : try Data(contentsOf: output.appendingPathComponent("index.json"))
        let index = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return index?["manifests"] as? [[String: Any]] ?? []
    }

    /// Removes index.json's referrer entries (those with an artifact type): what `cosign
    /// save` of cosign v3 or `oras copy -r` may leave. Their manifests stay in blobs/.
    func unlistReferrers(_ layout: URL) throws {
        let file = layout.appendingPathComponent("index.json")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let entries = index["manifests"] as? [[String: Any]] ?? []
        index["manifests"] = entries.filter { $0["artifactType"] == nil }
        try JSONSerialization.data(withJSONObject: index).write(to: file)
    }

    func verify(_ arguments: [String]) throws -> RunResult {
        try run(manifoldBinary, ["verify", "--tls-verify=false"] + arguments)
    }

    /// The tag schema's index for `digest` in `repository`, as skopeo reads it; nil when absent.
    func tagIndex(_ registry: TestRegistry, _ repository: String, of digest: String) throws -> [[String: Any]]? {
        let tag = digest.replacingOccurrences(of: ":", with: "-")
        let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference(repository)):\(tag)'"])
        guard raw.status == 0 else { return nil }
        let index = try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any]
        return index?["manifests"] as? [[String: Any]] ?? []
    }

    @Test func aReferrerOnlyInBlobsIsPushedAndCopiedWithItsImage() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest, referrer) = try referrerSignedLayout()
        try unlistReferrers(layout)
        #expect(try indexEntries(layout).count == 1)
        // The source verifies: the referrer is found in blobs/ by its subject.
        let local = try verify(["--key", key, layout.path])
        #expect(local.status == 0, "\(local.stdout)")
        #expect(local.stdout.contains("blobs/ (referrers no index.json entry lists)"), "\(local.stdout)")
        // inspect --referrers lists it as verify finds it.
        let listed = try run(manifoldBinary, ["inspect", "--referrers", layout.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("1 referrer\n  signature  \(referrer)"), "\(listed.stdout)")

        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, "\(registry.reference("unlisted/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.contains("with it: referrer \(referrer)"), "\(pushed.stdout)")
        #expect(try tagIndex(registry, "unlisted/app", of: digest)?.map { $0["digest"] as? String } == [referrer])
        let remote = try verify(["--key", key, "\(registry.reference("unlisted/app")):v1"])
        #expect(remote.status == 0, "\(remote.stdout)")
        #expect(remote.stdout.contains("✓ layers[0]: cosign signature verified with \(key)"), "\(remote.stdout)")
        // copy to a registry is the same push.
        let copiedUp = try run(manifoldBinary, ["copy", "--dest-tls-verify=false", layout.path, "\(registry.reference("unlisted-copy/app")):v1"])
        #expect(copiedUp.status == 0, "\(copiedUp.stdout)\(copiedUp.stderr)")
        #expect(try verify(["--key", key, "\(registry.reference("unlisted-copy/app")):v1"]).status == 0)

        // Into an oci-archive and a layout: listed in the output's index.json, verified offline.
        for name in ["copied.tar", "copied"] {
            let output = directory.appendingPathComponent(name)
            let copied = try run(manifoldBinary, ["copy", layout.path, (name.hasSuffix(".tar") ? "oci-archive:" : "oci:") + output.path])
            #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
            #expect(copied.stdout.contains("with it: referrer \(referrer)"), "\(copied.stdout)")
            let entries = try indexEntries(output)
            #expect(entries.map { $0["digest"] as? String } == [digest, referrer], "\(entries)")
            #expect(entries.last?["artifactType"] as? String == ImageSigner.referrerArtifactType)
            let offline = try run(manifoldBinary, ["verify", "--key", key, output.path])
            #expect(offline.status == 0, "\(name): \(offline.stdout)")
            #expect(!offline.stdout.contains("unreferenced"), "\(offline.stdout)")
        }

        // --remove-signatures: left behind, and the key then fails for want of a signature.
        let bare = try run(manifoldBinary, ["push", "--remove-signatures", "--tls-verify=false", layout.path, "\(registry.reference("bare/app")):v1"])
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
        #expect(!bare.stdout.contains("with it:"), "\(bare.stdout)")
        #expect(try tagIndex(registry, "bare/app", of: digest) == nil)
        let unsigned = try verify(["--key", key, "\(registry.reference("bare/app")):v1"])
        #expect(unsigned.status == 1, "\(unsigned.stdout)")
        #expect(unsigned.stdout.contains("no valid signature from the given keys: no signature is attached to it"), "\(unsigned.stdout)")
        let bareArchive = directory.appendingPathComponent("bare.tar")
        let copiedBare = try run(manifoldBinary, ["copy", "--remove-signatures", layout.path, "oci-archive:\(bareArchive.path)"])
        #expect(copiedBare.status == 0, "\(copiedBare.stdout)\(copiedBare.stderr)")
        #expect(try indexEntries(bareArchive).map { $0["digest"] as? String } == [digest])
        let bareOffline = try run(manifoldBinary, ["verify", "--key", key, bareArchive.path])
        #expect(bareOffline.status == 1, "\(bareOffline.stdout)")
        #expect(bareOffline.stdout.contains("no signature is attached to it"), "\(bareOffline.stdout)")
    }

    /// The image's referrer signed in turn: by another referrer (only in blobs/) and under
    /// cosign's tag `sha256-<referrer>.sig` (listed). Push carries both, `verify docker://`
    /// fetches both (a second round of lookups, for the referrer) and checks them, and a
    /// pull carries them into a layout that verifies offline.
    @Test func aSignatureOfASignatureIsCarriedAndCheckedFromTheRegistry() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest, referrer) = try referrerSignedLayout()
        let second = try SignTests.keyPair("ed25519", in: directory, name: "countersign-referrer")
        let third = try SignTests.keyPair("ecdsa-p256", in: directory, name: "countersign-tag")
        let byReferrer = try SignTests.sign(["--key", second.private, "--referrer", "\(layout.path)@\(referrer)"])
        #expect(byReferrer.status == 0, "\(byReferrer.stderr)")
        let byTag = try SignTests.sign(["--key", third.private, "\(layout.path)@\(referrer)"])
        #expect(byTag.status == 0, "\(byTag.stderr)")
        try unlistReferrers(layout)
        let sigTag = referrer.replacingOccurrences(of: ":", with: "-") + ".sig"
        let listed = try indexEntries(layout)
        #expect(listed.count == 2 && (listed.last?["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == sigTag, "\(listed)")
        let keys = ["--key", key, "--key", second.public, "--key", third.public]
        let local = try verify(keys + [layout.path])
        #expect(local.status == 0, "\(local.stdout)")
        #expect(local.stdout.contains("verified with \(second.public)") && local.stdout.contains("verified with \(third.public)"), "\(local.stdout)")

        let source = "\(registry.reference("chain/app")):v1"
        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, source])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.components(separatedBy: "with it: referrer sha256:").count - 1 == 2, "\(pushed.stdout)")
        #expect(pushed.stdout.contains("with it: \(sigTag) sha256:"), "\(pushed.stdout)")
        // The referrer's own referrer is in the tag schema's index for the referrer.
        #expect(try tagIndex(registry, "chain/app", of: referrer)?.count == 1)

        let remote = try verify(keys + [source])
        #expect(remote.status == 0, "\(remote.stdout)")
        #expect(remote.stdout.contains("✓ layers[0]: cosign signature verified with \(second.public)"), "\(remote.stdout)")
        #expect(remote.stdout.contains("✓ layers[0]: cosign signature verified with \(third.public)"), "\(remote.stdout)")
        #expect(remote.stdout.contains(": 1 platform, 3 signature manifests, "), "\(remote.stdout)")
        // Only the image's own signature meets the requirement: the others sign a signature.
        let countersignersOnly = try verify(["--key", second.public, "--key", third.public, source])
        #expect(countersignersOnly.status == 1, "\(countersignersOnly.stdout)")

        let pulled = directory.appendingPathComponent("pulled")
        let pull = try run(manifoldBinary, ["pull", "--tls-verify=false", source, "-o", pulled.path])
        #expect(pull.status == 0, "\(pull.stdout)\(pull.stderr)")
        let entries = try indexEntries(pulled)
        #expect(entries.count == 4, "\(entries)")
        #expect(entries.first?["digest"] as? String == digest)
        let offline = try run(manifoldBinary, ["verify"] + keys + [pulled.path])
        #expect(offline.status == 0, "\(offline.stdout)")
        #expect(offline.stdout.contains(": 1 platform, 3 signature manifests, "), "\(offline.stdout)")
    }

    /// `cosign save --dir` marks an SBOM attached with `cosign attach sbom` by the kind
    /// `sboms`: pushed under cosign's `sha256-<hex>.sbom` tag, copied with the image, as
    /// its `sigs` are.
    @Test func aCosignSavedSBOMGoesWithTheImage() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try SignedLayouts.copy("index-signed")
        let blobs = layout.appendingPathComponent("blobs/sha256")
        func put(_ text: String) throws -> (digest: String, size: Int) {
            let digest = try sha256(Array(text.utf8))
            try Data(text.utf8).write(to: blobs.appendingPathComponent(digest.encoded))
            return (digest.description, text.utf8.count)
        }
        let sbom = try put(#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app"}"#)
        let config = try put("{}")
        let manifest = try put("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\(config.digest)","size":\(config.size)},"layers":[{"mediaType":"text/spdx+json","digest":"\(sbom.digest)","size":\(sbom.size)}]}
            """)
        let file = layout.appendingPathComponent("index.json")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var entries = index["manifests"] as? [[String: Any]] ?? []
        let image = try #require(entries.first?["digest"] as? String)
        entries.append(["mediaType": MediaType.ociManifest, "digest": manifest.digest, "size": manifest.size,
                        "annotations": ["kind": "dev.cosignproject.cosign/sboms"]])
        index["manifests"] = entries
        try JSONSerialization.data(withJSONObject: index).write(to: file)
        let sbomTag = image.replacingOccurrences(of: ":", with: "-") + ".sbom"
        let key = try SignedLayouts.key("ecdsa-p256")

        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, "\(registry.reference("saved/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.contains("with it: \(sbomTag) \(manifest.digest)"), "\(pushed.stdout)")
        let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference("saved/app")):\(sbomTag)'"])
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(raw.stdout.contains("text/spdx+json"), "\(raw.stdout)")

        let archive = directory.appendingPathComponent("saved.tar")
        let copied = try run(manifoldBinary, ["copy", layout.path, "oci-archive:\(archive.path)"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(Set(try indexEntries(archive).compactMap { $0["digest"] as? String }).contains(manifest.digest))
        let offline = try run(manifoldBinary, ["verify", "--key", key, archive.path])
        #expect(offline.status == 0, "\(offline.stdout)")
        #expect(offline.stdout.contains("sbom"), "\(offline.stdout)")

        let bare = directory.appendingPathComponent("bare.tar")
        #expect(try run(manifoldBinary, ["copy", "--remove-signatures", layout.path, "oci-archive:\(bare.path)"]).status == 0)
        #expect(try indexEntries(bare).map { $0["digest"] as? String } == [image])
    }

    /// `push --platform` of an index signed on every platform (`cosign sign --recursive`):
    /// the index is rewritten to a new digest its signature does not sign, and a platform
    /// left out is not pushed, so their signatures stay behind, named; the kept platform's
    /// goes along, as a pull carries it.
    @Test func pushWithPlatformCarriesTheKeptPlatformsSignatureAndNamesTheRest() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let key = try SignedLayouts.key("ecdsa-p256")
        let destination = "\(registry.reference("arm/app")):v1"
        let pushed = try run(manifoldBinary, ["push", "--json", "--tls-verify=false", "--platform", "linux/arm64",
                                              try SignedLayouts.path("every-platform-signed"), destination])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        let document = try #require((try JSONSerialization.jsonObject(with: pushed.stdoutData) as? [String: Any])?["push"] as? [String: Any])
        let attached = document["attached"] as? [[String: Any]] ?? []
        let leftBehind = document["leftBehind"] as? [[String: Any]] ?? []
        #expect(attached.count == 1, "\(pushed.stdout)")
        #expect(leftBehind.count == 2, "\(pushed.stdout)")
        let text = try run(manifoldBinary, ["push", "--tls-verify=false", "--platform", "linux/arm64",
                                            try SignedLayouts.path("every-platform-signed"), destination])
        #expect(text.stdout.contains("left behind, as what they sign is not pushed (--platform rewrote the index to a new digest, and left platforms out): sha256-"), "\(text.stdout)")

        let strict = try verify(["--key", key, "--require-signature", "every-platform", destination])
        #expect(strict.status == 1, "\(strict.stdout)")
        #expect(strict.stdout.contains("✗ index.json › manifests[0] sha256:"), "\(strict.stdout)")
        #expect(strict.stdout.contains("✓ index.json › manifests[0] › manifests[0] (linux/arm64) sha256:"), "\(strict.stdout)")
    }
}
