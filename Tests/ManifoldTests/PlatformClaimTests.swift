import Foundation
import Testing
@testable import Manifold

/// An index entry's platform against its config's (issue 8, item 6): clients choose by the
/// entry, so a config may not claim another platform, after containerd's normalization.
@Suite struct PlatformClaimTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let entry: String
        let config: String
        let agrees: Bool
        var testDescription: String { "entry \(entry), config \(config): \(agrees ? "agree" : "mismatch")" }
    }

    static let cases: [Case] = [
        // a config that claims a higher variant than its entry
        Case(entry: "linux/arm/v6", config: "linux/armhf", agrees: false),
        Case(entry: "linux/amd64", config: "linux/amd64/v3", agrees: false),
        Case(entry: "linux/amd64/v2", config: "linux/x86_64/v3", agrees: false),
        Case(entry: "linux/arm64", config: "linux/arm64/v9", agrees: false),
        Case(entry: "linux/arm/v6", config: "linux/arm/v7", agrees: false),
        Case(entry: "linux/riscv64", config: "linux/riscv64/rva23", agrees: false),
        // a stated lower variant is a contradiction too
        Case(entry: "linux/arm/v7", config: "linux/arm/v6", agrees: false),
        Case(entry: "linux/arm", config: "linux/armel", agrees: false),
        Case(entry: "linux/amd64/v3", config: "linux/amd64/v2", agrees: false),
        // the same platform, spelled differently
        Case(entry: "linux/arm/v7", config: "linux/armhf", agrees: true),
        Case(entry: "linux/arm", config: "linux/armhf", agrees: true),
        Case(entry: "linux/arm/v6", config: "linux/armel", agrees: true),
        Case(entry: "linux/arm/v7", config: "linux/arm/7", agrees: true),
        Case(entry: "linux/amd64", config: "linux/amd64/v1", agrees: true),
        Case(entry: "linux/amd64", config: "linux/x86_64", agrees: true),
        Case(entry: "linux/arm64", config: "linux/aarch64/v8", agrees: true),
        Case(entry: "linux/arm64/v8", config: "linux/arm64", agrees: true),
        // a config silent on the variant is built for the entry's
        Case(entry: "linux/arm/v6", config: "linux/arm", agrees: true),
        Case(entry: "linux/amd64/v3", config: "linux/amd64", agrees: true),
        // os and architecture
        Case(entry: "linux/amd64", config: "linux/arm64", agrees: false),
        Case(entry: "windows/amd64", config: "linux/amd64", agrees: false),
        Case(entry: "darwin/arm64", config: "macos/arm64", agrees: true),
    ]

    @Test(arguments: cases)
    func entryDescribesConfig(_ testCase: Case) throws {
        let entry = try Platform(parsing: testCase.entry), config = try Platform(parsing: testCase.config)
        #expect(entry.describes(config: config) == testCase.agrees)
    }

    @Test func windowsBuildsAreComparedWhenBothStateOne() {
        let entry = Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.1879")
        #expect(entry.describes(config: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.1879")))
        #expect(entry.describes(config: Platform(os: "windows", architecture: "amd64")))
        #expect(!entry.describes(config: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.1")))
    }

    /// The image the issue describes: `linux/amd64` over a config that says v3.
    func amd64EntryOverV3Config() throws -> URL {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(0)).config) {
            $0.replacingOccurrences(of: "\"os\":\"linux\"", with: "\"os\":\"linux\",\"variant\":\"v3\"")
        }
        return copy
    }

    @Test func verifyFailsNamingTheEntryAndBothPlatforms() throws {
        let image = try amd64EntryOverV3Config()
        let report = verify(image)
        #expect(report.status == .failed)
        #expect(failures(report) == ["index.json › manifests[0] (linux/amd64) › config: platform"])
        let problem = report.failedResults.first?.problems.first
        #expect(problem?.expected == "linux/amd64")
        #expect(problem?.actual == "linux/amd64/v3")

        let result = try run(manifoldBinary, ["verify", image.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ index.json › manifests[0] (linux/amd64) › config sha256:"))
        #expect(result.stdout.contains("platform mismatch: the index entry says linux/amd64, the config says linux/amd64/v3"))
    }

    @Test func packRefusesWhatVerifyFails() throws {
        let image = try amd64EntryOverV3Config()
        let out = image.deletingLastPathComponent().appendingPathComponent("out.tar")
        let result = try run(manifoldBinary, ["pack", "-o", out.path, image.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("platform mismatch: the index entry says linux/amd64, config sha256:"))
        #expect(result.stderr.contains("says linux/amd64/v3"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // inspect shows the image, and says what verify will say.
        let inspect = try run(manifoldBinary, ["inspect", "\(image.path):amd64"])
        #expect(inspect.status == 0)
        #expect(inspect.stderr.contains("note: platform mismatch"))
    }
}
