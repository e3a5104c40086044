import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Signed layouts made by Vectors/signatures/generate.py (Python `cryptography`, payloads and
/// manifests written as cosign writes them), once per test run: nothing of manifold's own
/// code signs or lays them out.
enum SignedLayouts {
    static let directory: Result<URL, ManifoldError> = {
        do {
            let output = try ImageFixtures.temporaryDirectory().appendingPathComponent("signed")
            let script = vectorsDirectory.appendingPathComponent("signatures/generate.py").path
            _ = try shell("python3 '\(script)' '\(output.path)'")
            return .success(output)
        } catch {
            return .failure(asManifoldError(error))
        }
    }()

    static func path(_ name: String) throws -> String {
        try directory.get().appendingPathComponent(name).path
    }

    /// A fresh copy of one case, to break.
    static func copy(_ name: String) throws -> URL {
        let target = try ImageFixtures.temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: try directory.get().appendingPathComponent(name), to: target)
        return target
    }

    static func key(_ name: String) throws -> String { try path("\(name).pub") }
}

/// `manifold verify [--key …]` on the layouts, as a user runs it.
private func verifyCLI(_ arguments: [String]) throws -> RunResult {
    try run(manifoldBinary, ["verify"] + arguments)
}

@Suite(.requires(.pythonCryptography)) struct SignatureTests {
    static let keyTypes = ["ecdsa-p256", "ecdsa-p384", "rsa-pkcs1", "rsa-pss", "ed25519"]

    @Test(arguments: keyTypes)
    func aValidSignatureOfEachKeyTypeVerifies(_ keyType: String) throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key(keyType), try SignedLayouts.path("valid-\(keyType)")])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("✓ layers[0]: cosign signature verified with \(try SignedLayouts.key(keyType))"), "\(result.stdout)")
        #expect(result.stdout.contains("signed by \(try SignedLayouts.key(keyType))"))
        // Said plainly in every run that checks signatures.
        #expect(result.stdout.contains("the transparency log (Rekor) is not consulted"))
        #expect(result.stdout.contains("keyless (Fulcio certificate) signatures cannot be verified offline"))
    }

    @Test func keyAlgorithmsAreRecognised() throws {
        let expected: [String: VerificationKey.Algorithm] = [
            "ecdsa-p256": .ecdsaP256, "ecdsa-p384": .ecdsaP384, "rsa-pkcs1": .rsa, "rsa-pss": .rsa, "ed25519": .ed25519,
        ]
        for (name, algorithm) in expected {
            #expect(try VerificationKey(contentsOf: try SignedLayouts.key(name)).algorithm == algorithm, "\(name)")
        }
    }

    @Test func theSchemeThatVerifiedIsReported() throws {
        let schemes = try Self.keyTypes.map { keyType -> String? in
            var options = VerifyOptions()
            options.keys = [try VerificationKey(contentsOf: try SignedLayouts.key(keyType))]
            let report = Verifier(options: options).verify(try SignedLayouts.path("valid-\(keyType)"))
            return report.signatures?.signatures.first?.scheme
        }
        #expect(schemes == ["ecdsa-sha256", "ecdsa-sha256", "rsa-pkcs1v15-sha256", "rsa-pss-sha256", "ed25519"])
    }

    @Test func anyOneOfSeveralKeysIsEnough() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("other"), "--key", try SignedLayouts.key("ed25519"),
                                    try SignedLayouts.path("valid-ed25519")])
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func theWrongKeyFails() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("other"), try SignedLayouts.path("valid-ecdsa-p256")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ layers[0]: not signed by any given key (tried \(try SignedLayouts.key("other")))"), "\(result.stdout)")
        #expect(result.stdout.contains("✗ index.json › manifests[0] sha256:"))
        #expect(result.stdout.contains("no valid signature from the given keys: 1 signature attached, none valid"))
    }

    @Test func aPayloadNamingAnotherDigestIsAFailureNotAPass() throws {
        let path = try SignedLayouts.path("other-digest")
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("its payload names sha256:\(String(repeating: "1", count: 64)), not sha256:"), "\(result.stdout)")

        var options = VerifyOptions()
        options.keys = [try VerificationKey(contentsOf: try SignedLayouts.key("ecdsa-p256"))]
        let report = Verifier(options: options).verify(path)
        let signature = try #require(report.signatures?.signatures.first)
        #expect(signature.status == .failed)
        // The key did verify the bytes: it is the placement that is wrong, and the
        // signature manifest fails for it.
        #expect(signature.key == options.keys[0].name)
        #expect(report.failedResults.contains { $0.artifact?.kind == .signature && $0.problems.contains { $0.kind == .signature } })
    }

    @Test func aSignatureOverAReserializedPayloadFails() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), try SignedLayouts.path("reserialized")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("not signed by any given key"), "\(result.stdout)")
    }

    @Test func aTamperedAnnotationFails() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), try SignedLayouts.path("tampered-annotation")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("not signed by any given key"), "\(result.stdout)")
    }

    @Test func aSignatureOnTheAttestationDoesNotSignTheImage() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), try SignedLayouts.path("signed-attestation")])
        #expect(result.status == 1)
        // It verifies, where it is: on the attestation, shown under it.
        #expect(result.stdout.contains("  attached to index.json › manifests[1]  sha256:"), "\(result.stdout)")
        #expect(result.stdout.contains("✓ layers[0]: cosign signature verified with"))
        #expect(result.stdout.contains("no valid signature from the given keys: no signature is attached to it"))
        #expect(result.stdout.contains(": 1 platform, 1 signature manifest, 1 attestation, "))
    }

    @Test func aReferrerWhoseSubjectIsAbsentSignsNothingHere() throws {
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), try SignedLayouts.path("absent-subject")])
        #expect(result.status == 1)
        let absent = "sha256:" + String(repeating: "2", count: 64)
        #expect(result.stdout.contains("  attached to sha256:222222222222 (not in this image)"), "\(result.stdout)")
        #expect(result.stdout.contains("signs \(absent), which is not in this image"))
        #expect(result.stdout.contains(": 1 platform, 1 signature manifest, 1 SBOM, "))
        // Without a key it is listed, and the image's content verifies.
        let plain = try verifyCLI([try SignedLayouts.path("absent-subject")])
        #expect(plain.status == 0, "\(plain.stdout)")
    }

    @Test func everyPlatformNeedsASignatureOnEachPlatformManifest() throws {
        let key = try SignedLayouts.key("ecdsa-p256")
        let indexOnly = try SignedLayouts.path("index-signed")
        #expect(try verifyCLI(["--key", key, indexOnly]).status == 0)
        let strict = try verifyCLI(["--key", key, "--require-signature", "every-platform", indexOnly])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("✗ index.json › manifests[0] › manifests[1] (linux/arm64) sha256:"), "\(strict.stdout)")

        let everyOne = try verifyCLI(["--key", key, "--require-signature", "every-platform", try SignedLayouts.path("every-platform-signed")])
        #expect(everyOne.status == 0, "\(everyOne.stdout)")
        #expect(everyOne.stdout.contains(": 2 platforms, 3 signature manifests, "))
        // Named by its tag, the image brings the platforms' signatures along, not only its own.
        let byTag = try verifyCLI(["--key", key, "--require-signature", "every-platform", try SignedLayouts.path("every-platform-signed") + ":latest"])
        #expect(byTag.status == 0, "\(byTag.stdout)")
        #expect(byTag.stdout.contains(":latest: 2 platforms, 3 signature manifests, "), "\(byTag.stdout)")
    }

    @Test func anUnsignedImageFailsWithAKeyAndVerifiesWithout() throws {
        let path = try SignedLayouts.path("unsigned")
        #expect(try verifyCLI([path]).status == 0)
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("no valid signature from the given keys: no signature is attached to it"))
    }

    @Test func aCosignV3BundleReferrerVerifiesOverTheDSSEEnvelope() throws {
        let key = try SignedLayouts.key("ecdsa-p256")
        let valid = try verifyCLI(["--key", key, try SignedLayouts.path("bundle-valid")])
        #expect(valid.status == 0, "\(valid.stdout)")
        #expect(valid.stdout.contains("✓ layers[0]: sigstore-bundle signature verified with \(key) (ecdsa-sha256)"))
        #expect(valid.stdout.contains("application/vnd.dev.sigstore.bundle.v0.3+json  (by subject)"))
        #expect(try verifyCLI(["--key", try SignedLayouts.key("other"), try SignedLayouts.path("bundle-valid")]).status == 1)

        // The statement names another digest: signed by the key, attached to the wrong manifest.
        let other = try verifyCLI(["--key", key, try SignedLayouts.path("bundle-other-subject")])
        #expect(other.status == 1)
        #expect(other.stdout.contains("its statement names sha256:\(String(repeating: "1", count: 64)), not sha256:"), "\(other.stdout)")
    }

    @Test func aReferrerInBlobsWithNoIndexEntryIsFoundBySubject() throws {
        let path = try SignedLayouts.path("bundle-unlisted")
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\nblobs/ (referrers no index.json entry lists)\n└─ sha256:"), "\(result.stdout)")
        #expect(result.stdout.contains("✓ layers[0]: sigstore-bundle signature verified with"))
        // Its blobs are verified, hence not "unreferenced".
        let plain = try verifyCLI([path])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("unreferenced blob"), "\(plain.stdout)")
    }

    @Test func aBundleWithAnotherPredicateIsAnAttestationNotASignature() throws {
        let path = try SignedLayouts.path("bundle-attestation")
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("└─ manifests[1]  attestation of sha256:"), "\(result.stdout)")
        #expect(result.stdout.contains("no signature is attached to it"))
        #expect(try verifyCLI([path]).status == 0)
    }

    @Test func aDockerSaveWithoutManifestsNeverPassesAKeyCheck() throws {
        // Docker ≤ 24 stores no manifest: nothing there could be signed, and --key says so.
        let save = ImageFixtures.directory.appendingPathComponent("docker-24.tar").path
        let result = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), save])
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ manifest.json › [0] (example/app:24): no manifest is stored (docker save of Docker ≤ 24)"), "\(result.stdout)")
        #expect(try verifyCLI([save]).status == 0)
    }

    @Test func aSignatureIsNotAPlatform() throws {
        let report = verify(URL(fileURLWithPath: try SignedLayouts.path("tag-scheme")))
        #expect(report.status == .verified)
        #expect(report.platforms.map(\.description) == ["linux/amd64"])
        #expect(report.images == 1)
        let text = try verifyCLI([try SignedLayouts.path("tag-scheme")])
        #expect(!text.stdout.contains("(, from its config)"), "\(text.stdout)")
        #expect(text.stdout.contains("└─ manifests[1]  signature of sha256:"))
        #expect(text.stdout.contains("? layers[0]: cosign signature not checked [not checked: no --key given]"))
        #expect(text.stdout.contains(": 1 platform, 1 signature manifest, "))
    }

    @Test func aSignatureManifestsBlobsAreStillVerified() throws {
        let copy = try SignedLayouts.copy("valid-ecdsa-p256")
        // Change the payload blob's bytes, not its name: its digest no longer matches.
        let blobs = copy.appendingPathComponent("blobs/sha256")
        var changed = false
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs.path) {
            let url = blobs.appendingPathComponent(name)
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            if text.hasPrefix("{\"critical\"") {
                try Data(text.replacingOccurrences(of: "registry.example/app", with: "registry.example/bad").utf8).write(to: url)
                changed = true
            }
        }
        #expect(changed)
        let plain = try verifyCLI([copy.path])
        #expect(plain.status == 1)
        #expect(plain.stdout.contains("✗ index.json › manifests[1] › layers[0] sha256:"), "\(plain.stdout)")
        let keyed = try verifyCLI(["--key", try SignedLayouts.key("ecdsa-p256"), copy.path])
        #expect(keyed.status == 1)
        #expect(keyed.stdout.contains("payload blob does not match its descriptor"), "\(keyed.stdout)")
    }

    @Test func anOCIArchiveIsCheckedTheSameWay() throws {
        let archive = try ImageFixtures.ociArchive(of: try SignedLayouts.copy("valid-rsa-pss"))
        #expect(try verifyCLI(["--key", try SignedLayouts.key("rsa-pss"), archive.path]).status == 0)
        #expect(try verifyCLI(["--key", try SignedLayouts.key("other"), archive.path]).status == 1)
    }

    @Test func theJSONReportHasASignaturesSection() throws {
        let key = try SignedLayouts.key("ecdsa-p384")
        let result = try verifyCLI(["--json", "--key", key, try SignedLayouts.path("valid-ecdsa-p384")])
        #expect(result.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let image = try #require((root["images"] as? [[String: Any]])?.first)
        let signatures = try #require(image["signatures"] as? [String: Any])
        #expect(signatures["checked"] as? Bool == true)
        #expect(signatures["satisfied"] as? Bool == true)
        #expect(signatures["requirement"] as? String == "top")
        #expect(signatures["transparencyLog"] as? String == "not consulted")
        let keys = try #require(signatures["keys"] as? [[String: Any]])
        #expect(keys.first?["algorithm"] as? String == "ecdsa-p384")
        let entry = try #require((signatures["signatures"] as? [[String: Any]])?.first)
        #expect(entry["status"] as? String == "verified")
        #expect(entry["key"] as? String == key)
        #expect(entry["path"] as? String == "index.json › manifests[1] › layers[0]")
        let results = try #require(image["results"] as? [[String: Any]])
        let artifact = try #require(results.compactMap { $0["artifact"] as? [String: Any] }.first)
        #expect(artifact["kind"] as? String == "signature")
        #expect(artifact["recognisedBy"] as? String == "cosign save kind")
    }

    @Test func unusableKeysExitTwoBeforeAnyImageIsRead() throws {
        let image = try SignedLayouts.path("unsigned")
        let missing = try verifyCLI(["--key", "/nonexistent/cosign.pub", image])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("key /nonexistent/cosign.pub: "), "\(missing.stderr)")
        let privateKey = try ImageFixtures.temporaryDirectory().appendingPathComponent("cosign.key")
        try Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8).write(to: privateKey)
        let wrong = try verifyCLI(["--key", privateKey.path, image])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("is a private key; give the public key"))
        let usage = try verifyCLI(["--require-signature", "every-platform", image])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--require-signature goes with --key"))
    }

    @Test func inspectReferrersListsWhatIsAttachedToEachManifest() throws {
        let result = try run(manifoldBinary, ["inspect", "--referrers", try SignedLayouts.path("signed-attestation") + ":latest"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("1 referrer") == true, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("  attestation  sha256:") })
        #expect(lines.contains("      predicateType: https://slsa.dev/provenance/v0.2"))
        #expect(lines.contains { $0.hasPrefix("referrer of referrer sha256:") })
        #expect(lines.contains { $0.hasPrefix("      dev.cosignproject.cosign/signature: ") })

        let sbom = try run(manifoldBinary, ["inspect", "--referrers", try SignedLayouts.path("absent-subject")])
        #expect(sbom.stdout.contains("    artifactType: application/spdx+json"), "\(sbom.stdout)")
        #expect(sbom.stdout.contains("attached to sha256:\(String(repeating: "2", count: 64)) (not in this image)"))
    }

    @Test func packNeverPacksASignatureAsAPlatformAndSaysItLeftItOut() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("packed.tar").path
        let result = try run(manifoldBinary, ["pack", "-o", out, try SignedLayouts.path("valid-ecdsa-p256")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("1 signature or referrer manifest left out (pack does not carry them yet"), "\(result.stderr)")
        let report = verify(URL(fileURLWithPath: out))
        #expect(report.status == .verified)
        #expect(report.platforms.map(\.description) == ["linux/amd64"])
        #expect(report.results.allSatisfy { $0.artifact == nil })
    }

    @Test func inspectTreeShowsSignaturesApartAndCountsNoPlatformForThem() throws {
        let result = try run(manifoldBinary, ["inspect", "--tree", try SignedLayouts.path("every-platform-signed")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("└─ attached artifacts (never selected)"), "\(result.stdout)")
        #expect(result.stdout.contains("signature  for linux/arm64"))
        #expect(result.stdout.contains("\n2 platforms, 2 layers, "))
    }
}
