import Foundation
import Testing
@testable import Manifold

/// Notation-signed layouts made by Vectors/signatures/notation.py: certificates from the
/// openssl CLI (notation-certs.sh), JWS envelopes signed by Python `cryptography`, once per
/// test run. Nothing of manifold's own code signs or lays them out.
enum NotationLayouts {
    static let directory: Result<URL, ManifoldError> = {
        do {
            let output = try ImageFixtures.temporaryDirectory().appendingPathComponent("notation")
            let script = vectorsDirectory.appendingPathComponent("signatures/notation.py").path
            _ = try shell("python3 '\(script)' '\(output.path)'")
            return .success(output)
        } catch {
            return .failure(asManifoldError(error))
        }
    }()

    static func path(_ name: String) throws -> String { try directory.get().appendingPathComponent(name).path }

    /// `manifold verify --trust-policy policy-<policy>.json --trust-store … <layout>`.
    static func verify(_ layout: String, policy: String = "strict", json: Bool = false) throws -> RunResult {
        try run(manifoldBinary, ["verify", "--trust-policy", try path("policy-\(policy).json"),
                                 "--trust-store", try path("truststore"), try path(layout)] + (json ? ["--json"] : []))
    }
}

@Suite(.requires(.pythonCryptography)) struct NotationTests {
    @Test(arguments: [("notation-es256", "ES256"), ("notation-ps256", "PS256"), ("notation-es384", "ES384"), ("notation-ps512", "PS512"), ("notation-listed", "ES256")])
    func aValidSignatureVerifies(_ layout: String, _ algorithm: String) throws {
        let result = try NotationLayouts.verify(layout)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("✓ layers[0]: notation-jws signature verified with C=US, ST=WA, L=Seattle, O=wabbit-networks.io, CN=wabbit-networks.io"), "\(result.stdout)")
        #expect(result.stdout.contains("(\(algorithm))"))
        #expect(result.stdout.contains("revocation skipped"))
    }

    @Test(arguments: [
        ("notation-expired-cert", "was not valid at the signing time"),
        ("notation-no-codesigning", "extended key usage lacks codeSigning"),
        ("notation-untrusted-root", "the certificate chain does not lead to a trusted CA"),
        ("notation-other-digest", "its payload names sha256:abababab"),
        ("notation-tampered", "the ES256 signature does not verify with the leaf certificate's key"),
        ("notation-expiry-passed", "the signature expired at"),
        ("notation-cose", "COSE signature envelopes (application/cose) are not supported"),
    ])
    func aBadSignatureFailsAndSaysWhy(_ layout: String, _ words: String) throws {
        let result = try NotationLayouts.verify(layout)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("✗ layers[0]:"), "\(result.stdout)")
        #expect(result.stdout.contains(words), "\(result.stdout)")
        #expect(result.stdout.contains("no valid signature from a signer the trust policy trusts"), "\(result.stdout)")
    }

    @Test func aSigningAuthorityNeedsASigningAuthorityStore() throws {
        let result = try NotationLayouts.verify("notation-signing-authority", policy: "signing-authority")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("chain to signingAuthority:wabbit"), "\(result.stdout)")
        // A CA store does not vouch for a signing authority's signature.
        let caOnly = try NotationLayouts.verify("notation-signing-authority")
        #expect(caOnly.status == 1, "\(caOnly.stdout)")
        #expect(caOnly.stdout.contains("names no signingAuthority:<name> trust store for signing scheme notary.x509.signingAuthority"), "\(caOnly.stdout)")
    }

    @Test func anIdentityNotInThePolicyFails() throws {
        let result = try NotationLayouts.verify("notation-es256", policy: "other-identity")
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("is not a trusted identity of policy wabbit-images"), "\(result.stdout)")
    }

    @Test func anyIdentityIsTrustedWithAStar() throws {
        #expect(try NotationLayouts.verify("notation-ps256", policy: "any-identity").status == 0)
    }

    @Test func auditLogsAndPasses() throws {
        let result = try NotationLayouts.verify("notation-es256", policy: "audit")
        #expect(result.status == 0, "\(result.stdout)")
        // Logged: the signer is named untrusted, never called verified; the run passes.
        #expect(result.stdout.contains("✗ layers[0]: signer \"C=US, ST=WA, L=Seattle, O=wabbit-networks.io, CN=wabbit-networks.io signer\" is not a trusted identity"), "\(result.stdout)")
        #expect(result.stdout.contains("authenticity logged, not enforced (level audit)"))
        // Audit still enforces integrity: a tampered signature fails.
        let tampered = try run(manifoldBinary, ["verify", "--trust-policy", try NotationLayouts.path("policy-audit.json"),
                                                "--trust-store", try NotationLayouts.path("truststore"), try NotationLayouts.path("notation-tampered")])
        #expect(tampered.status == 1, "\(tampered.stdout)")
    }

    @Test func auditStillWantsASignature() throws {
        // notation fails an unsigned image at every level but skip.
        let unsigned = try ImageFixtures.temporaryDirectory().appendingPathComponent("unsigned-layout")
        try FileManager.default.copyItem(atPath: try NotationLayouts.path("notation-es256"), toPath: unsigned.path)
        for file in try FileManager.default.contentsOfDirectory(atPath: unsigned.appendingPathComponent("blobs/sha256").path) {
            let path = unsigned.appendingPathComponent("blobs/sha256/\(file)").path
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("application/vnd.cncf.notary.signature") {
                try FileManager.default.removeItem(atPath: path)
            }
        }
        let result = try run(manifoldBinary, ["verify", "--trust-policy", try NotationLayouts.path("policy-audit.json"),
                                              "--trust-store", try NotationLayouts.path("truststore"), unsigned.path])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("no signature is attached to it"), "\(result.stdout)")
    }

    @Test func skipChecksNothingAndPasses() throws {
        let result = try NotationLayouts.verify("notation-tampered", policy: "skip")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("not checked: trust policy wabbit-images is at level skip"))
    }

    @Test func aLayoutMatchesOnlyAStarScope() throws {
        let result = try NotationLayouts.verify("notation-es256", policy: "scoped")
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("no trust policy in"), "\(result.stdout)")
    }

    @Test func aTagNamingARegistrySelectsTheScopedPolicy() throws {
        let result = try NotationLayouts.verify("notation-full-reference", policy: "scoped")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(NotationScope.repository(ofTag: "registry.example/other/app:1.0") == "registry.example/other/app")
        #expect(NotationScope.repository(ofTag: "localhost:5000/app@sha256:" + String(repeating: "a", count: 64)) == "localhost:5000/app")
        #expect(NotationScope.repository(ofTag: "1.0") == nil)
        #expect(NotationScope.repository(ofTag: "library/app:1.0") == nil)
    }

    @Test func theJSONReportNamesPolicyStoreAndSigner() throws {
        let result = try NotationLayouts.verify("notation-es256", json: true)
        #expect(result.status == 0)
        guard case .object(let root)? = try? JSONParser.parse(Array(result.stdout.utf8)),
              case .array(let images)? = root["images"], case .object(let image)? = images.first,
              case .object(let signatures)? = image["signatures"], case .array(let list)? = signatures["signatures"],
              case .object(let first)? = list.first
        else {
            Issue.record("unexpected JSON: \(result.stdout)")
            return
        }
        #expect(first["format"] == .string("notation-jws"))
        #expect(first["status"] == .string("verified"))
        #expect(first["scheme"] == .string("ES256"))
        #expect(first["policy"] == .string("wabbit-images"))
        #expect(first["trustStore"] == .string("ca:wabbit"))
    }

    @Test func aMissingTrustStoreIsAUsageProblem() throws {
        let result = try run(manifoldBinary, ["verify", "--trust-policy", try NotationLayouts.path("policy-strict.json"),
                                              "--trust-store", "/nonexistent", try NotationLayouts.path("notation-es256")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("trust store ca:wabbit"), "\(result.stderr)")
        let alone = try run(manifoldBinary, ["verify", "--trust-policy", try NotationLayouts.path("policy-strict.json"), try NotationLayouts.path("notation-es256")])
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("--trust-policy and --trust-store go together"), "\(alone.stderr)")
    }

    @Test func rfc3339TimesBecomeEpochSeconds() {
        #expect(RFC3339.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.seconds("2024-05-01T12:00:00Z") == 1_714_564_800)
        #expect(RFC3339.seconds("2024-05-01T14:00:00.5+02:00") == 1_714_564_800)
        #expect(RFC3339.seconds("2024-05-01") == nil)
    }
}

/// The trust policy document as Notation defines it, read strictly: a policy that cannot mean
/// what its author wrote is refused before any image is read.
struct TrustPolicyTests {
    private func policy(_ body: String) throws -> URL {
        let file = try ImageFixtures.temporaryDirectory().appendingPathComponent("trustpolicy.json")
        try Data(body.utf8).write(to: file)
        return file
    }

    private func entry(level: String = "strict", scopes: String = #"["*"]"#, extra: String = "") -> String {
        #"{"name": "p", "registryScopes": \#(scopes), "signatureVerification": {"level": "\#(level)"\#(extra)}, "trustStores": ["ca:x"], "trustedIdentities": ["*"]}"#
    }

    @Test(arguments: [
        (#"{"version": "2.0", "trustPolicies": []}"#, "version must be \"1.0\""),
        (#"{"version": "1.0", "trustPolicies": []}"#, "trustPolicies is missing or empty"),
    ])
    func aDocumentThatIsNotVersionOneIsRefused(_ body: String, _ words: String) throws {
        let file = try policy(body)
        #expect(throws: ManifoldError.self) { try NotationTrust(policyFile: file.path, storeDirectory: "/nonexistent") }
        do {
            _ = try NotationTrust(policyFile: file.path, storeDirectory: "/nonexistent")
        } catch let error as ManifoldError {
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test func badLevelsScopesAndOverridesAreRefused() throws {
        let cases = [
            (entry(level: "lenient"), "signatureVerification.level is strict, permissive, audit or skip"),
            (entry(scopes: #"["*", "registry.example/app"]"#), "\"*\" must be the only registry scope"),
            (entry(extra: #", "override": {"integrity": "log"}"#), "override \"integrity\""),
            (entry(extra: #", "override": {"expiry": "maybe"}"#), "override expiry is enforce, log or skip"),
        ]
        for (body, words) in cases {
            let file = try policy(#"{"version": "1.0", "trustPolicies": [\#(body)]}"#)
            do {
                _ = try NotationTrust(policyFile: file.path, storeDirectory: "/nonexistent")
                Issue.record("accepted: \(body)")
            } catch let error as ManifoldError {
                #expect(error.message.contains(words), "\(error.message)")
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func identitiesMatchSubjectAttributesAsASubset() throws {
        let subject: [(name: String, value: String)] = [("C", "US"), ("ST", "WA"), ("O", "acme, inc."), ("CN", "signer")]
        #expect(TrustPolicy.attributes(#"x509.subject: C=US, O=acme\, inc."#).map(\.value) == ["US", "acme, inc."])
        let file = try policy(#"{"version": "1.0", "trustPolicies": [{"name": "p", "registryScopes": ["*"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:x"], "trustedIdentities": ["x509.subject: C=US, O=acme\\, inc."]}]}"#)
        do {
            _ = try NotationTrust(policyFile: file.path, storeDirectory: "/nonexistent")
            Issue.record("a missing trust store was accepted")
        } catch let error as ManifoldError {
            #expect(error.message.contains("trust store ca:x"), "\(error.message)")
        }
        let parsed = try TrustPolicy(JSONObject([
            ("name", .string("p")), ("registryScopes", .array([.string("*")])),
            ("signatureVerification", .object(JSONObject([("level", .string("strict"))]))),
            ("trustStores", .array([.string("ca:x")])), ("trustedIdentities", .array([.string(#"x509.subject: C=US, O=acme\, inc."#)])),
        ]), file: "test")
        #expect(parsed.trusts(subject: subject))
        #expect(!parsed.trusts(subject: [("C", "US"), ("O", "acme")]))
    }

    @Test func aDockerReferenceNamesItsRepository() {
        #expect(NotationCheck.repository(of: "docker://localhost:5000/app:1.0") == "localhost:5000/app")
        #expect(NotationCheck.repository(of: "docker://registry.example/team/app@sha256:" + String(repeating: "a", count: 64)) == "registry.example/team/app")
        #expect(NotationCheck.repository(of: "docker://localhost:5000/app") == "localhost:5000/app")
        #expect(NotationCheck.repository(of: "/tmp/layout") == nil)
    }
}
