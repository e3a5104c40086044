import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Signatures on a registry: a layout signed by `manifold sign`, pushed to docker-registry
/// (started by each test, plain HTTP on 127.0.0.1), verified with `docker:// --key`, copied
/// with and without its signatures. skopeo, not manifold, says what the registry holds.
@Suite(.requires(.pythonCryptography, .openssl, .dockerRegistry, .skopeo)) struct SignedRegistryTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    /// A fresh copy of the fixtures' unsigned layout, signed with a new P-256 key (tag
    /// scheme, or a referrer); the public key's path and the image's digest.
    func signedLayout(referrer: Bool = false) throws -> (layout: URL, key: String, digest: String) {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try SignTests.keyPair("ecdsa-p256", in: directory, name: referrer ? "referrer-key" : "key")
        let signed = try run(manifoldBinary, ["sign", "--key", keys.private] + (referrer ? ["--referrer"] : []) + [layout.path])
        guard signed.status == 0 else { throw ManifoldError(.internalFailure, "sign failed: \(signed.stderr)") }
        let (_, report) = try SignTests.check(layout, key: keys.public)
        return (layout, keys.public, try #require(report["image"] as? String))
    }

    func verify(_ arguments: [String]) throws -> RunResult {
        try run(manifoldBinary, ["verify", "--tls-verify=false"] + arguments)
    }

    @Test func aSignedLayoutPushedVerifiesFromTheRegistryAndCopiesWithItsSignatureOrWithout() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest) = try signedLayout()
        let sigTag = digest.replacingOccurrences(of: ":", with: "-") + ".sig"
        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, "\(registry.reference("signed/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.contains("with it: \(sigTag) sha256:"), "\(pushed.stdout)")
        // The registry holds the .sig tag: cosign's simple-signing manifest.
        let sig = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference("signed/app")):\(sigTag)'"])
        #expect(sig.status == 0, "\(sig.stderr)")
        #expect(sig.stdout.contains("application/vnd.dev.cosign.simplesigning.v1+json"))

        let verified = try verify(["--key", key, "\(registry.reference("signed/app")):v1"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("(by tag \(sigTag))"), "\(verified.stdout)")
        #expect(verified.stdout.contains("✓ layers[0]: cosign signature verified with \(key)"))
        let other = try SignTests.keyPair("ed25519", in: directory, name: "unrelated")
        let wrongKey = try verify(["--key", other.public, "\(registry.reference("signed/app")):v1"])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stdout.contains("no valid signature from the given keys: 1 signature attached, none valid"), "\(wrongKey.stdout)")

        // Registry to registry: the signature goes along, and verifies there.
        let copied = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("signed/app")):v1", "\(registry.reference("copied/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(copied.stdout.contains("with it: \(sigTag)"), "\(copied.stdout)")
        #expect(try verify(["--key", key, "\(registry.reference("copied/app")):v1"]).status == 0)

        // --remove-signatures: the image alone; with the key it fails, for want of one.
        let bare = try run(manifoldBinary, ["copy", "--remove-signatures", "--src-tls-verify=false", "--dest-tls-verify=false",
                                            "\(registry.reference("signed/app")):v1", "\(registry.reference("bare/app")):v1"])
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
        #expect(!bare.stdout.contains("with it:"))
        let none = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference("bare/app")):\(sigTag)'"])
        #expect(none.status != 0)
        let unsigned = try verify(["--key", key, "\(registry.reference("bare/app")):v1"])
        #expect(unsigned.status == 1)
        #expect(unsigned.stdout.contains("no valid signature from the given keys: no signature is attached to it"), "\(unsigned.stdout)")
        // Without a key nothing is fetched beyond the image, which verifies.
        #expect(try verify(["\(registry.reference("bare/app")):v1"]).status == 0)

        let pushedBare = try run(manifoldBinary, ["push", "--remove-signatures", "--tls-verify=false", layout.path, "\(registry.reference("pushed-bare/app")):v1"])
        #expect(pushedBare.status == 0, "\(pushedBare.stderr)")
        #expect(try verify(["--key", key, "\(registry.reference("pushed-bare/app")):v1"]).status == 1)
    }

    /// `cosign sign --recursive`: the index and each platform signed under its own `.sig`
    /// tag. Push and copy carry all three; every-platform finds each on the registry.
    @Test func everyPlatformSignatureTravelsWithTheImageAndIsFetchedForEachPlatform() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let key = try SignedLayouts.key("ecdsa-p256")
        let everyPlatform = ["--key", key, "--require-signature", "every-platform"]
        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", try SignedLayouts.path("every-platform-signed"),
                                              "\(registry.reference("recursive/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.components(separatedBy: "with it: sha256-").count - 1 == 3, "\(pushed.stdout)")

        let verified = try verify(everyPlatform + ["\(registry.reference("recursive/app")):v1"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("✓ index.json › manifests[0] › manifests[1] (linux/arm64) sha256:"), "\(verified.stdout)")
        #expect(verified.stdout.contains(": 2 platforms, 3 signature manifests, "), "\(verified.stdout)")

        let copied = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("recursive/app")):v1", "\(registry.reference("recursive-copy/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(copied.stdout.components(separatedBy: "with it: sha256-").count - 1 == 3, "\(copied.stdout)")
        #expect(try verify(everyPlatform + ["\(registry.reference("recursive-copy/app")):v1"]).status == 0)

        // Left behind, each platform's requirement fails on its own line.
        let bare = try run(manifoldBinary, ["copy", "--remove-signatures", "--src-tls-verify=false", "--dest-tls-verify=false",
                                            "\(registry.reference("recursive/app")):v1", "\(registry.reference("recursive-bare/app")):v1"])
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
        let strict = try verify(everyPlatform + ["\(registry.reference("recursive-bare/app")):v1"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("✗ index.json › manifests[0] › manifests[1] (linux/arm64) sha256:"), "\(strict.stdout)")
        #expect(strict.stdout.contains("no signature is attached to it"), "\(strict.stdout)")
    }

    /// A layout as `cosign save --dir` writes it for a signed index: entries told apart only
    /// by their `kind` annotation (`imageIndex`, `sigs`), no tags. The index is the one image
    /// to push, its signature goes with it.
    @Test func aCosignSavedIndexIsPushedWithItsSignature() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let key = try SignedLayouts.key("ecdsa-p256")
        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", try SignedLayouts.path("index-signed"),
                                              "\(registry.reference("saved/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.components(separatedBy: "with it: sha256-").count - 1 == 1, "\(pushed.stdout)")
        let verified = try verify(["--key", key, "\(registry.reference("saved/app")):v1"])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    /// distribution 2.8 has no referrers API (404): push keeps the tag schema's
    /// `sha256-<hex>` index, as cosign and oras do on such a registry (fetched, the
    /// referrer added, put back), and verify finds the referrer through it.
    @Test func aReferrerPushedToARegistryWithoutTheReferrersAPIIsListedInTheTagSchemaIndex() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest) = try signedLayout(referrer: true)
        let tag = digest.replacingOccurrences(of: ":", with: "-")
        let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, "\(registry.reference("ref/app")):v1"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.contains("with it: referrer sha256:"), "\(pushed.stdout)")

        // skopeo reads the index: the referrer's descriptor with cosign's artifact type.
        func tagIndex(_ repository: String) throws -> [[String: Any]] {
            let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference(repository)):\(tag)'"])
            guard raw.status == 0 else { return [] }
            let index = try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any]
            #expect(index?["mediaType"] as? String == MediaType.ociIndex)
            return index?["manifests"] as? [[String: Any]] ?? []
        }
        let first = try tagIndex("ref/app")
        #expect(first.count == 1)
        #expect(first.first?["artifactType"] as? String == ImageSigner.referrerArtifactType)

        let verified = try verify(["--key", key, "\(registry.reference("ref/app")):v1"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("application/vnd.dev.cosign.artifact.sig.v1+json  (by subject)"), "\(verified.stdout)")

        // A second signature pushed later is added beside the first, which stays.
        let second = try SignTests.keyPair("ed25519", in: directory, name: "second")
        let signed = try run(manifoldBinary, ["sign", "--key", second.private, "--referrer", layout.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, "\(registry.reference("ref/app")):v1"]).status == 0)
        let both = try tagIndex("ref/app")
        #expect(both.count == 2)
        #expect(both.first?["digest"] as? String == first.first?["digest"] as? String)
        #expect(try verify(["--key", second.public, "\(registry.reference("ref/app")):v1"]).status == 0)
        #expect(try verify(["--key", key, "\(registry.reference("ref/app")):v1"]).status == 0)

        // Copied to another repository, both referrers are read through the index and indexed there.
        let copied = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("ref/app")):v1", "\(registry.reference("ref-copy/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(try tagIndex("ref-copy/app").count == 2)
        #expect(try verify(["--key", second.public, "\(registry.reference("ref-copy/app")):v1"]).status == 0)
    }

    /// index.json's entries of a pulled layout or oci-archive, read with Foundation and tar,
    /// not manifold.
    func indexEntries(_ output: URL) throws -> [[String: Any]] {
        let data = output.pathExtension == "tar"
            ? Data(try shell("tar -xOf '\(output.path)' index.json").utf8)
            : try Data(contentsOf: output.appendingPathComponent("index.json"))
        let index = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return index?["manifests"] as? [[String: Any]] ?? []
    }

    func refName(_ entry: [String: Any]) -> String? {
        (entry["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"]
    }

    /// Issue 13: `pull` and `copy` to a layout or an oci-archive carry the image's `.sig` tag
    /// as `cosign save` does, so the output verifies offline with the key and is published
    /// again, signature included, by `push`; `--remove-signatures` leaves it behind.
    @Test func aPulledImageCarriesItsSignatureIntoALayoutAndAnArchiveAndVerifiesOffline() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest) = try signedLayout()
        let sigTag = digest.replacingOccurrences(of: ":", with: "-") + ".sig"
        let source = "\(registry.reference("signed/app")):v1"
        #expect(try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, source]).status == 0)

        let pulledLayout = directory.appendingPathComponent("pulled")
        let pulledArchive = directory.appendingPathComponent("pulled.tar")
        let copiedLayout = directory.appendingPathComponent("copied")
        let copiedArchive = directory.appendingPathComponent("copied.tar")
        let runs: [(URL, [String])] = [
            (pulledLayout, ["pull", "--tls-verify=false", source, "-o", pulledLayout.path]),
            (pulledArchive, ["pull", "--tls-verify=false", source, "-o", pulledArchive.path]),
            (copiedLayout, ["copy", "--src-tls-verify=false", source, "oci:\(copiedLayout.path)"]),
            (copiedArchive, ["copy", "--src-tls-verify=false", source, "oci-archive:\(copiedArchive.path)"]),
        ]
        for (output, arguments) in runs {
            let pulled = try run(manifoldBinary, arguments)
            #expect(pulled.status == 0, "\(arguments): \(pulled.stdout)\(pulled.stderr)")
            #expect(pulled.stdout.contains("with it: \(sigTag) sha256:"), "\(pulled.stdout)")
            // The image under its tag, its signature manifest under cosign's.
            let entries = try indexEntries(output)
            #expect(entries.map(refName) == ["v1", sigTag], "\(entries)")
            #expect(entries.first?["digest"] as? String == digest)
            // Offline: a path, no registry flag.
            let verified = try run(manifoldBinary, ["verify", "--key", key, output.path])
            #expect(verified.status == 0, "\(output.lastPathComponent): \(verified.stdout)")
            #expect(verified.stdout.contains("✓ layers[0]: cosign signature verified with \(key)"), "\(verified.stdout)")
        }
        // An independent verifier (Python) finds and accepts it too.
        let (status, report) = try SignTests.check(pulledLayout, key: key)
        #expect(status == 0, "\(report)")
        #expect(report["image"] as? String == digest)

        // Published again from the archive: the registry holds the image and its .sig tag.
        let republished = try run(manifoldBinary, ["push", "--tls-verify=false", pulledArchive.path, "\(registry.reference("again/app")):v1"])
        #expect(republished.status == 0, "\(republished.stdout)\(republished.stderr)")
        #expect(republished.stdout.contains("with it: \(sigTag) sha256:"), "\(republished.stdout)")
        #expect(try verify(["--key", key, "\(registry.reference("again/app")):v1"]).status == 0)

        // Left behind: the image alone, which the key does not pass.
        for (name, command) in [("bare", "pull"), ("bare.tar", "pull"), ("bare-copy", "copy")] {
            let output = directory.appendingPathComponent(name)
            let arguments = command == "pull"
                ? ["pull", "--remove-signatures", "--tls-verify=false", source, "-o", output.path]
                : ["copy", "--remove-signatures", "--src-tls-verify=false", source, output.path]
            let bare = try run(manifoldBinary, arguments)
            #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")
            #expect(!bare.stdout.contains("with it:"), "\(bare.stdout)")
            #expect(try indexEntries(output).map(refName) == ["v1"])
            let unsigned = try run(manifoldBinary, ["verify", "--key", key, output.path])
            #expect(unsigned.status == 1, "\(unsigned.stdout)")
            #expect(unsigned.stdout.contains("no valid signature from the given keys: no signature is attached to it"), "\(unsigned.stdout)")
        }
    }

    /// A referrer (`sign --referrer`; on distribution 2.8, found through the tag schema's
    /// `sha256-<hex>` index) is pulled as an unnamed index.json entry with its artifact type,
    /// verifies offline, and is a referrer again once pushed.
    @Test func aPulledImageCarriesItsReferrer() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let (layout, key, digest) = try signedLayout(referrer: true)
        let source = "\(registry.reference("ref/app")):v1"
        #expect(try run(manifoldBinary, ["push", "--tls-verify=false", layout.path, source]).status == 0)
        for name in ["pulled", "pulled.tar"] {
            let output = directory.appendingPathComponent(name)
            let pulled = try run(manifoldBinary, ["pull", "--tls-verify=false", source, "-o", output.path])
            #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
            #expect(pulled.stdout.contains("with it: referrer sha256:"), "\(pulled.stdout)")
            let entries = try indexEntries(output)
            #expect(entries.count == 2, "\(entries)")
            #expect(entries.first?["digest"] as? String == digest)
            #expect(entries.last?["artifactType"] as? String == ImageSigner.referrerArtifactType, "\(entries)")
            #expect(entries.last.flatMap(refName) == nil)
            let verified = try run(manifoldBinary, ["verify", "--key", key, output.path])
            #expect(verified.status == 0, "\(verified.stdout)")
            #expect(verified.stdout.contains("(by subject)"), "\(verified.stdout)")
        }
        let (status, report) = try SignTests.check(directory.appendingPathComponent("pulled"), key: key)
        #expect(status == 0, "\(report)")
        #expect(SignTests.verified(report).map { $0["placement"] as? String } == ["referrer"])

        let republished = try run(manifoldBinary, ["push", "--tls-verify=false", directory.appendingPathComponent("pulled").path,
                                                   "\(registry.reference("ref-again/app")):v1"])
        #expect(republished.status == 0, "\(republished.stdout)\(republished.stderr)")
        #expect(republished.stdout.contains("with it: referrer sha256:"), "\(republished.stdout)")
        #expect(try verify(["--key", key, "\(registry.reference("ref-again/app")):v1"]).status == 0)

        // --json: the referrer's entry under output.attached, the image's under roots.
        let json = try run(manifoldBinary, ["pull", "--json", "--tls-verify=false", source, "-o", directory.appendingPathComponent("json.tar").path])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        let output = document?["output"] as? [String: Any]
        #expect((output?["roots"] as? [[String: Any]])?.map { $0["digest"] as? String } == [digest])
        let attached = output?["attached"] as? [[String: Any]] ?? []
        #expect(attached.map { $0["artifactType"] as? String } == [ImageSigner.referrerArtifactType], "\(json.stdout)")
        #expect((output?["leftBehind"] as? [Any])?.isEmpty == true)

        let bare = directory.appendingPathComponent("bare")
        #expect(try run(manifoldBinary, ["pull", "--remove-signatures", "--tls-verify=false", source, "-o", bare.path]).status == 0)
        #expect(try indexEntries(bare).count == 1)
        let unsigned = try run(manifoldBinary, ["verify", "--key", key, bare.path])
        #expect(unsigned.status == 1)
        #expect(unsigned.stdout.contains("no signature is attached to it"), "\(unsigned.stdout)")
    }

    /// `cosign sign --recursive`: the index's and each platform's `.sig` tags are pulled, so
    /// `--require-signature every-platform` passes offline. With --platform the index is
    /// rewritten: its signature and the dropped platform's stay behind and are named; the
    /// kept platform's goes with it.
    @Test func everyPlatformSignatureIsPulledAndPlatformLeavesTheIndexSignatureBehind() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let key = try SignedLayouts.key("ecdsa-p256")
        let source = "\(registry.reference("recursive/app")):v1"
        #expect(try run(manifoldBinary, ["push", "--tls-verify=false", try SignedLayouts.path("every-platform-signed"), source]).status == 0)
        for name in ["all", "all.tar"] {
            let output = directory.appendingPathComponent(name)
            let pulled = try run(manifoldBinary, ["pull", "--tls-verify=false", source, "-o", output.path])
            #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
            #expect(pulled.stdout.components(separatedBy: "with it: sha256-").count - 1 == 3, "\(pulled.stdout)")
            #expect(try indexEntries(output).count == 4)
            let verified = try run(manifoldBinary, ["verify", "--key", key, "--require-signature", "every-platform", output.path])
            #expect(verified.status == 0, "\(verified.stdout)")
            #expect(verified.stdout.contains(": 2 platforms, 3 signature manifests, "), "\(verified.stdout)")
        }

        let arm = directory.appendingPathComponent("arm64")
        let pulled = try run(manifoldBinary, ["pull", "--tls-verify=false", "--platform", "linux/arm64", source, "-o", arm.path])
        #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
        #expect(pulled.stdout.contains("left behind, as what they sign is not in the output (--platform rewrote the index to a new digest, and left platforms out): sha256-"), "\(pulled.stdout)")
        // The one signature written is the arm64 manifest's, which the rewritten index lists.
        let entries = try indexEntries(arm)
        #expect(entries.count == 2, "\(entries)")
        let top = try #require(entries.first?["digest"] as? String)
        let indexBlob = arm.appendingPathComponent("blobs/sha256/" + top.dropFirst("sha256:".count))
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: indexBlob)) as? [String: Any]
        let platforms = index?["manifests"] as? [[String: Any]] ?? []
        #expect(platforms.count == 1)
        let armDigest = try #require(platforms.first?["digest"] as? String)
        #expect(entries.last.flatMap(refName) == armDigest.replacingOccurrences(of: ":", with: "-") + ".sig", "\(entries)")
        // The index is not signed any more; the platform still is.
        let strict = try run(manifoldBinary, ["verify", "--key", key, "--require-signature", "every-platform", arm.path])
        #expect(strict.status == 1, "\(strict.stdout)")
        #expect(strict.stdout.contains("✗ index.json › manifests[0] sha256:"), "\(strict.stdout)")
        #expect(strict.stdout.contains("✓ index.json › manifests[0] › manifests[0] (linux/arm64) sha256:"), "\(strict.stdout)")
    }

    /// A trust policy per scope: each input of one run is matched on its own, a `docker://`
    /// image by its repository, a layout by `*`, and its report names the policy that applied.
    @Test func eachInputIsCheckedUnderThePolicyItsRepositoryScopes() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        // A Notation signature listed in the layout goes up with the image (a referrer).
        for repository in ["team-a/app", "team-b/app"] {
            let pushed = try run(manifoldBinary, ["push", "--tls-verify=false", try NotationLayouts.path("notation-listed") + ":1.0",
                                                  "\(registry.reference(repository)):1.0"])
            #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
            #expect(pushed.stdout.contains("with it: referrer sha256:"), "\(pushed.stdout)")
        }
        let signer = "x509.subject: C=US, ST=WA, L=Seattle, O=wabbit-networks.io, CN=wabbit-networks.io signer"
        func policy(_ name: String, _ scopes: [String], identity: String) -> [String: Any] {
            ["name": name, "registryScopes": scopes, "signatureVerification": ["level": "strict"],
             "trustStores": ["ca:wabbit"], "trustedIdentities": [identity]]
        }
        let document: [String: Any] = ["version": "1.0", "trustPolicies": [
            policy("team-a", ["\(registry.host)/team-a/app"], identity: signer),
            policy("team-b", ["\(registry.host)/team-b/app"], identity: "x509.subject: C=US, ST=WA, O=acme-rockets.io"),
            policy("files", ["*"], identity: "*"),
        ]]
        let file = directory.appendingPathComponent("trustpolicy.json")
        try JSONSerialization.data(withJSONObject: document).write(to: file)
        let trust = ["--trust-policy", file.path, "--trust-store", try NotationLayouts.path("truststore")]

        let result = try verify(trust + ["\(registry.reference("team-a/app")):1.0", "\(registry.reference("team-b/app")):1.0",
                                         try NotationLayouts.path("notation-es256")])
        #expect(result.status == 1, "\(result.stdout)")
        // Each report: the policy its scope chose, and what it matched.
        #expect(result.stdout.contains("Notation trust policy team-a (level strict) applies to \(registry.host)/team-a/app by its registryScopes"), "\(result.stdout)")
        #expect(result.stdout.contains("Notation trust policy team-b (level strict) applies to \(registry.host)/team-b/app by its registryScopes"), "\(result.stdout)")
        #expect(result.stdout.contains("is not a trusted identity of policy team-b"), "\(result.stdout)")
        #expect(result.stdout.contains("Notation trust policy files (level strict) applies by registryScopes [\"*\"] (this input names no repository)"), "\(result.stdout)")
        let summaries = result.stdout.split(separator: "\n").filter { $0.contains(": 1 platform, 1 signature manifest, ") }
        #expect(summaries.count == 3, "\(result.stdout)")
        #expect(summaries.first { $0.hasPrefix("\(registry.reference("team-a/app")):1.0:") }?.hasSuffix(": verified") == true, "\(summaries)")
        #expect(summaries.first { $0.hasPrefix("\(registry.reference("team-b/app")):1.0:") }?.contains(": FAILED") == true, "\(summaries)")

        // team-b's scope alone fails; team-a's and the layout's pass.
        #expect(try verify(trust + ["\(registry.reference("team-a/app")):1.0", try NotationLayouts.path("notation-es256")]).status == 0)
    }
}
