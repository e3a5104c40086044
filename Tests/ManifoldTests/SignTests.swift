import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// `manifold sign`, checked by Vectors/signatures/check.py (Python `cryptography`, which
/// reads the layout itself) and by `manifold verify --key` for the round trip. Keys come
/// from `openssl genpkey`, not from manifold.
@Suite(.requires(.pythonCryptography, .openssl)) struct SignTests {
    /// openssl genpkey arguments per key type.
    static let keyTypes: [String: String] = [
        "ecdsa-p256": "-algorithm EC -pkeyopt ec_paramgen_curve:P-256",
        "ecdsa-p384": "-algorithm EC -pkeyopt ec_paramgen_curve:P-384",
        "rsa": "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
        "ed25519": "-algorithm ed25519",
    ]

    /// A private key (`NAME.pem`) and its public key (`NAME.pub`) in `directory`.
    static func keyPair(_ type: String, in directory: URL, name: String? = nil) throws -> (private: String, public: String) {
        let base = directory.appendingPathComponent(name ?? type).path
        _ = try shell("openssl genpkey \(keyTypes[type]!) -out '\(base).pem' 2>/dev/null && openssl pkey -in '\(base).pem' -pubout -out '\(base).pub'")
        return ("\(base).pem", "\(base).pub")
    }

    static func check(_ layout: URL, key: String) throws -> (status: Int32, report: [String: Any]) {
        let script = vectorsDirectory.appendingPathComponent("signatures/check.py").path
        let result = try run("/usr/bin/env", ["python3", script, layout.path, key])
        let report = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, report)
    }

    static func verified(_ report: [String: Any]) -> [[String: Any]] { report["verified"] as? [[String: Any]] ?? [] }

    static func sign(_ arguments: [String]) throws -> RunResult { try run(manifoldBinary, ["sign"] + arguments) }

    @Test(arguments: ["ecdsa-p256", "ecdsa-p384", "rsa", "ed25519"])
    func eachKeyTypeSignsWhatAnIndependentVerifierAndVerifyAccept(_ type: String) throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair(type, in: layout.deletingLastPathComponent())
        let signed = try Self.sign(["--key", keys.private, layout.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains(" tagged sha256-"), "\(signed.stdout)")

        let (status, report) = try Self.check(layout, key: keys.public)
        #expect(status == 0, "\(report)")
        #expect(Self.verified(report).map { $0["placement"] as? String } == ["tag"])

        let verify = try run(manifoldBinary, ["verify", "--key", keys.public, layout.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("✓ layers[0]: cosign signature verified with \(keys.public)"))
        // Another key's check fails: the signature is this key's.
        let other = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "other-\(type)")
        #expect(try Self.check(layout, key: other.public).status == 1)
    }

    @Test func thePayloadIsCosignsSimpleSigningDocumentByteForByte() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "payload")
        let result = try Self.sign(["--key", keys.private, "--sign-container-identity", "registry.example/app", layout.path])
        #expect(result.status == 0, "\(result.stderr)")
        let (_, report) = try Self.check(layout, key: keys.public)
        let image = try #require(report["image"] as? String)
        let expected = #"{"critical":{"identity":{"docker-reference":"registry.example/app"},"image":{"docker-manifest-digest":""#
            + image + #""},"type":"cosign container image signature"},"optional":null}"#
        let digest = try DigestHasher.digest(of: Array(expected.utf8))
        let stored = try Data(contentsOf: layout.appendingPathComponent(digest.layoutPath))
        #expect(String(decoding: stored, as: UTF8.self) == expected)
        #expect(Self.verified(report).first?["identity"] as? String == "registry.example/app")
    }

    @Test func aSecondSignatureIsAddedUnderTheSameTag() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let directory = layout.deletingLastPathComponent()
        let first = try Self.keyPair("ecdsa-p256", in: directory, name: "first")
        let second = try Self.keyPair("ed25519", in: directory, name: "second")
        #expect(try Self.sign(["--key", first.private, layout.path]).status == 0)
        let again = try Self.sign(["--key", second.private, layout.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("(2 signatures)"), "\(again.stdout)")

        // Both verify, each with its own key, from the one tagged manifest.
        for key in [first.public, second.public] {
            let (status, report) = try Self.check(layout, key: key)
            #expect(status == 0)
            #expect(Self.verified(report).count == 1)
            #expect(report["unverified"] as? Int == 1)
        }
        let index = try String(contentsOf: layout.appendingPathComponent("index.json"), encoding: .utf8)
        #expect(index.components(separatedBy: ".sig\"").count == 2, "\(index)")
        #expect(try run(manifoldBinary, ["verify", "--key", second.public, layout.path]).status == 0)
    }

    @Test func referrerFormHasASubjectAndCosignsArtifactType() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "referrer")
        let result = try Self.sign(["--key", keys.private, "--referrer", layout.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" referrer of sha256:"))
        let (status, report) = try Self.check(layout, key: keys.public)
        #expect(status == 0, "\(report)")
        let found = Self.verified(report)
        #expect(found.map { $0["placement"] as? String } == ["referrer"])
        #expect(found.first?["artifactType"] as? String == "application/vnd.dev.cosign.artifact.sig.v1+json")
        let verify = try run(manifoldBinary, ["verify", "--key", keys.public, layout.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("application/vnd.dev.cosign.artifact.sig.v1+json  (by subject)"), "\(verify.stdout)")
    }

    @Test func anEncryptedKeyIsRefusedWithTheWordsToDecryptItAndNothingIsWritten() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let key = layout.deletingLastPathComponent().appendingPathComponent("encrypted.pem").path
        _ = try shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -pass pass:secret -out '\(key)' 2>/dev/null")
        let index = try Data(contentsOf: layout.appendingPathComponent("index.json"))
        let result = try Self.sign(["--key", key, layout.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is encrypted; decrypt it first: `openssl pkey -in"), "\(result.stderr)")
        #expect(try Data(contentsOf: layout.appendingPathComponent("index.json")) == index)

        let cosignKey = layout.deletingLastPathComponent().appendingPathComponent("cosign.key").path
        try "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJr\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n".write(toFile: cosignKey, atomically: true, encoding: .utf8)
        let cosign = try Self.sign(["--key", cosignKey, layout.path])
        #expect(cosign.status == 2)
        #expect(cosign.stderr.contains("is an encrypted cosign key"), "\(cosign.stderr)")
    }

    @Test func aPublicKeyOrAnArchiveIsRefusedWithExitTwo() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "refused")
        let publicKey = try Self.sign(["--key", keys.public, layout.path])
        #expect(publicKey.status == 2)
        #expect(publicKey.stderr.contains("is a public key; signing needs the private key"), "\(publicKey.stderr)")

        let archive = layout.deletingLastPathComponent().appendingPathComponent("unsigned.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' .")
        let before = try Data(contentsOf: archive)
        let refused = try Self.sign(["--key", keys.private, archive.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("an oci-archive cannot be signed in place yet"), "\(refused.stderr)")
        #expect(try Data(contentsOf: archive) == before)
    }

    @Test func aTagThatSelectsTheImageSelectsItsSignaturesToo() throws {
        // cosign's layout: the image tagged latest, its signature tagged sha256-<hex>.sig.
        let key = try SignedLayouts.key("ecdsa-p256")
        let result = try run(manifoldBinary, ["verify", "--key", key, try SignedLayouts.path("tag-scheme") + ":latest"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains(":latest: 1 platform, 1 signature manifest, "), "\(result.stdout)")
    }
}
