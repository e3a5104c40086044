import Foundation
import Testing

/// A tool the tests compare manifold against (`make deps` installs them; never linked).
///
/// A test that needs one says so with ``Testing/Trait/requires(_:sourceLocation:)``: without
/// the tool it shows as *skipped*, never as passed. In CI (CI=true) it runs anyway and fails
/// on the missing tool, and ``PeerToolTests`` names every missing peer, so a CI run can never
/// go green on tests that did not run.
enum PeerTool: String, CaseIterable, Sendable, CustomStringConvertible {
    case sha256sum, sha512sum, gzip, pigz, zstd, umoci, skopeo, buildah, curl, openssl
    case ociImageTool = "oci-image-tool"
    case dockerRegistry = "docker-registry"
    /// Python's `cryptography` module (Debian: python3-cryptography): the signature fixtures'
    /// independent signer. A module, not a command: looked up by importing it.
    case pythonCryptography = "python3-cryptography"

    var description: String { rawValue }

    /// The peers on PATH, looked up once per test run, in one shell for all of them.
    static let installed: Set<PeerTool> = {
        let names = allCases.filter { $0 != .pythonCryptography }.map(\.rawValue).joined(separator: " ")
        let module = "python3 -c 'import cryptography' 2>/dev/null && echo \(PeerTool.pythonCryptography.rawValue)"
        let found = try? run("/bin/sh", ["-c", "for tool in \(names); do command -v \"$tool\" >/dev/null && echo \"$tool\"; done; \(module)"])
        return Set((found?.stdout ?? "").split(separator: "\n").compactMap { PeerTool(rawValue: String($0)) })
    }()

    /// The peers that are not installed, in declaration order.
    static var missing: [PeerTool] { allCases.filter { !installed.contains($0) } }

    /// Whether this is a CI run (CI=true), where every peer must be installed.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when every one of `tools` is installed, and always in CI (where a missing
    /// tool must fail the run); otherwise the test is reported as skipped.
    static func requires(_ tools: PeerTool..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: PeerTool.isCI || tools.allSatisfy(PeerTool.installed.contains),
                 "needs \(tools.map(\.rawValue).joined(separator: ", ")) (make deps installs them)",
                 sourceLocation: sourceLocation)
    }
}

/// The one check that turns a skipped peer test into a failure in CI.
@Suite struct PeerToolTests {
    @Test(.enabled(if: PeerTool.isCI, "only in CI (CI=true): elsewhere a missing peer skips its tests"))
    func everyPeerIsInstalledInCI() {
        #expect(PeerTool.missing.isEmpty, "not installed: \(PeerTool.missing.map(\.rawValue).joined(separator: ", ")); CI needs every peer (make deps)")
    }

}
