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

    @Test func aPublicKeyOrAnArchiveBehindASymlinkIsRefusedWithExitTwo() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "refused")
        let publicKey = try Self.sign(["--key", keys.public, layout.path])
        #expect(publicKey.status == 2)
        #expect(publicKey.stderr.contains("is a public key; signing needs the private key"), "\(publicKey.stderr)")

        // Renamed over, a link would be replaced by the signed file and its target left unsigned.
        let archive = layout.deletingLastPathComponent().appendingPathComponent("unsigned.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' .")
        let link = layout.deletingLastPathComponent().appendingPathComponent("link.tar")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: archive)
        let before = try Data(contentsOf: archive)
        let refused = try Self.sign(["--key", keys.private, link.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is a symbolic link"), "\(refused.stderr)")
        #expect(try Data(contentsOf: archive) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == archive.path)
    }

    /// The archive's files beside it: the archive and what a run left (a temporary would show).
    static func names(beside archive: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: archive.deletingLastPathComponent().path).sorted()
    }

    /// An oci-archive (made by tar from the fixtures' layout, not by manifold), signed in
    /// place: checked by the independent verifier on its extracted members and by verify.
    @Test(arguments: [false, true]) func anOCIArchiveIsSignedByRenamingAWholeNewArchiveOverIt(_ referrer: Bool) throws {
        let layout = try SignedLayouts.copy("unsigned")
        let directory = try ImageFixtures.temporaryDirectory()
        let archive = directory.appendingPathComponent("image.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' oci-layout index.json blobs")
        let keys = try Self.keyPair("ecdsa-p384", in: layout.deletingLastPathComponent(), name: "archive-\(referrer)")
        let signed = try Self.sign(["--key", keys.private] + (referrer ? ["--referrer"] : []) + ["oci-archive:" + archive.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try Self.names(beside: archive) == ["image.tar"])

        let extracted = directory.appendingPathComponent("extracted")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: false)
        _ = try shell("tar -C '\(extracted.path)' -xf '\(archive.path)'")
        let (status, report) = try Self.check(extracted, key: keys.public)
        #expect(status == 0, "\(report)")
        #expect(Self.verified(report).map { $0["placement"] as? String } == [referrer ? "referrer" : "tag"])
        // Every member of the original is there, byte for byte.
        let unchanged = try shell("cd '\(layout.path)' && find blobs oci-layout -type f -exec cmp {} '\(extracted.path)/{}' \\; && echo same")
        #expect(unchanged.contains("same"))

        let verified = try run(manifoldBinary, ["verify", "--key", keys.public, archive.path])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("cosign signature verified with \(keys.public)"), "\(verified.stdout)")
    }

    @Test func dashOWritesTheSignedArchiveElsewhereAndReplacesAFileOnlyWithForce() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let directory = try ImageFixtures.temporaryDirectory()
        let archive = directory.appendingPathComponent("image.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' oci-layout index.json blobs")
        let before = try Data(contentsOf: archive)
        let keys = try Self.keyPair("ed25519", in: layout.deletingLastPathComponent(), name: "output")
        let output = directory.appendingPathComponent("signed.tar")
        let first = try Self.sign(["--key", keys.private, "-o", output.path, archive.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Data(contentsOf: archive) == before)
        #expect(try run(manifoldBinary, ["verify", "--key", keys.public, output.path]).status == 0)

        let written = try Data(contentsOf: output)
        let again = try Self.sign(["--key", keys.private, "-o", output.path, archive.path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("exists; give --force to replace it"), "\(again.stderr)")
        #expect(try Data(contentsOf: output) == written)
        let forced = try Self.sign(["--key", keys.private, "-o", output.path, "--force", archive.path])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try run(manifoldBinary, ["verify", "--key", keys.public, output.path]).status == 0)
        #expect(try Self.names(beside: archive) == ["image.tar", "signed.tar"])

    }

    /// A signature manifest under the tag that does not match its digest stops the run:
    /// exit 1, the archive as it was, no temporary beside it.
    @Test func aFailedSignLeavesTheArchiveAsItWas() throws {
        let layout = try SignedLayouts.copy("unsigned")
        let keys = try Self.keyPair("ecdsa-p256", in: layout.deletingLastPathComponent(), name: "failed")
        let first = try Self.sign(["--key", keys.private, layout.path])
        #expect(first.status == 0, "\(first.stderr)")
        let signature = try #require(first.stdout.split(separator: " ").first { $0.hasPrefix("sha256:") && $0 != first.stdout.split(separator: " ")[1] })
        let blob = layout.appendingPathComponent("blobs/sha256/" + signature.dropFirst("sha256:".count))
        let handle = try FileHandle(forWritingTo: blob)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" ".utf8))
        try handle.close()
        let directory = try ImageFixtures.temporaryDirectory()
        let archive = directory.appendingPathComponent("image.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' oci-layout index.json blobs")
        let before = try Data(contentsOf: archive)

        let refused = try Self.sign(["--key", keys.private, archive.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not match its digest"), "\(refused.stderr)")
        #expect(try Data(contentsOf: archive) == before)
        #expect(try Self.names(beside: archive) == ["image.tar"])
    }

    /// A writer holding the image's lock (Vectors/signatures/locked_writer.py) changes it
    /// while sign waits: sign reads the image only once the lock is free, so the change stays
    /// and the signature is added to it.
    @Test(arguments: [false, true]) func signWaitsForAnotherWriterAndKeepsItsChange(_ archive: Bool) throws {
        let layout = try SignedLayouts.copy("unsigned")
        let directory = try ImageFixtures.temporaryDirectory()
        let keys = try Self.keyPair("ecdsa-p256", in: directory, name: "waits")
        let other = try Self.keyPair("ecdsa-p256", in: directory, name: "other-writer")
        let script = vectorsDirectory.appendingPathComponent("signatures/locked_writer.py").path
        if archive {
            let image = directory.appendingPathComponent("image.tar")
            _ = try shell("tar -C '\(layout.path)' -cf '\(image.path)' oci-layout index.json blobs")
            // The other writer's change: the archive as signed by another key.
            let replacement = directory.appendingPathComponent("replacement.tar")
            #expect(try Self.sign(["--key", other.private, "-o", replacement.path, image.path]).status == 0)
            let result = try run("/usr/bin/env", ["python3", script, "archive", image.path, replacement.path, manifoldBinary, "--key", keys.private])
            #expect(result.status == 0, "\(result.stderr)")
            for key in [keys.public, other.public] {
                let verified = try run(manifoldBinary, ["verify", "--key", key, image.path])
                #expect(verified.status == 0, "\(key): \(verified.stdout)")
            }
        } else {
            // The other writer's change: its signature under the image's .sig tag (its blobs
            // put in first, as a signer puts them before index.json).
            let signedElsewhere = try SignedLayouts.copy("unsigned")
            #expect(try Self.sign(["--key", other.private, signedElsewhere.path]).status == 0)
            _ = try shell("cd '\(signedElsewhere.path)/blobs/sha256' && for blob in *; do [ -e '\(layout.path)/blobs/sha256/'\"$blob\" ] || cp \"$blob\" '\(layout.path)/blobs/sha256/'; done")
            let replacement = layout.appendingPathComponent("index.json.other-writer")
            try FileManager.default.copyItem(at: signedElsewhere.appendingPathComponent("index.json"), to: replacement)
            let result = try run("/usr/bin/env", ["python3", script, "layout", layout.path, replacement.path, manifoldBinary, "--key", keys.private])
            #expect(result.status == 0, "\(result.stderr)")
            // Both signatures under the one tag.
            for key in [keys.public, other.public] {
                let verified = try run(manifoldBinary, ["verify", "--key", key, layout.path])
                #expect(verified.status == 0, "\(key): \(verified.stdout)")
            }
        }
    }

    /// Signers started together on one image take turns (a lock held from reading
    /// index.json to renaming the new one): every signature lands under the one tag.
    @Test(arguments: [false, true]) func signersRunningAtOnceAllLand(_ archive: Bool) throws {
        let layout = try SignedLayouts.copy("unsigned")
        var path = layout.path
        if archive {
            let tar = try ImageFixtures.temporaryDirectory().appendingPathComponent("image.tar")
            _ = try shell("tar -C '\(layout.path)' -cf '\(tar.path)' oci-layout index.json blobs")
            path = tar.path
        }
        let image = path
        let signers = 6
        var keys: [(private: String, public: String)] = []
        for i in 0..<signers {
            keys.append(try Self.keyPair("ed25519", in: layout.deletingLastPathComponent(), name: "at-once-\(archive)-\(i)"))
        }
        // Each on a thread of its own, so that all are started before any is done.
        let statuses = Locked([Int32]())
        let group = DispatchGroup()
        for key in keys {
            DispatchQueue.global().async(group: group) {
                let status = (try? Self.sign(["--key", key.private, image]))?.status ?? -1
                statuses.withLock { $0.append(status) }
            }
        }
        group.wait()
        #expect(statuses.withLock { $0 } == Array(repeating: 0, count: signers))
        for key in keys {
            let verified = try run(manifoldBinary, ["verify", "--key", key.public, image])
            #expect(verified.status == 0, "\(key.public): \(verified.stdout)")
        }
        // Ed25519 is deterministic: the first key's signature again is one already there, so
        // the count is of the six, each once.
        let last = try Self.sign(["--key", keys[0].private, image])
        #expect(last.stdout.contains("(\(signers) signatures)"), "\(last.stdout)")
    }

    @Test func aTagThatSelectsTheImageSelectsItsSignaturesToo() throws {
        // cosign's layout: the image tagged latest, its signature tagged sha256-<hex>.sig.
        let key = try SignedLayouts.key("ecdsa-p256")
        let result = try run(manifoldBinary, ["verify", "--key", key, try SignedLayouts.path("tag-scheme") + ":latest"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains(":latest: 1 platform, 1 signature manifest, "), "\(result.stdout)")
    }

    /// A signed layout pulled to a file keeps its signature (by tag, and a cosign save's,
    /// told apart by `kind` alone, whose image is then the one to name with --tag);
    /// --remove-signatures leaves it, and verify --key then fails.
    @Test(arguments: ["tag-scheme", "valid-ecdsa-p256"]) func aSignedLayoutPulledKeepsItsSignatureOrLeavesIt(_ name: String) throws {
        let key = try SignedLayouts.key("ecdsa-p256")
        let work = try ImageFixtures.temporaryDirectory()
        let kept = work.appendingPathComponent("kept.tar").path
        let pulled = try run(manifoldBinary, ["pull", try SignedLayouts.path(name), "-o", kept, "--tag", "v2"])
        #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
        #expect(pulled.stdout.contains("with it: "), "\(pulled.stdout)")
        let verified = try run(manifoldBinary, ["verify", "--key", key, kept + ":v2"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("1 signature manifest"), "\(verified.stdout)")

        let bare = work.appendingPathComponent("bare.tar").path
        let left = try run(manifoldBinary, ["pull", "--remove-signatures", try SignedLayouts.path(name), "-o", bare])
        #expect(left.status == 0, "\(left.stdout)\(left.stderr)")
        #expect(!left.stdout.contains("with it: "), "\(left.stdout)")
        let unsigned = try run(manifoldBinary, ["verify", "--key", key, bare])
        #expect(unsigned.status == 1, "\(unsigned.stdout)")
        #expect(unsigned.stdout.contains("no signature is attached to it"), "\(unsigned.stdout)")
    }
}
