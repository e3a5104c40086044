import Foundation
import Testing
@testable import Manifold

@Suite struct LocalImageReferenceTests {
    static let hex = String(repeating: "ab", count: 32)
    static let existing: Set<String> = ["dir", "save.tar", "a:b", "oci:odd", "at@dir"]
    static func exists(_ path: String) -> Bool { existing.contains(path) }

    static let cases: [(String, LocalImageReference)] = [
        ("dir", LocalImageReference(path: "dir")),
        ("dir:v1", LocalImageReference(path: "dir", tag: "v1")),
        ("save.tar:example/app:1.0", LocalImageReference(path: "save.tar", tag: "example/app:1.0")),
        ("a:b", LocalImageReference(path: "a:b")),                              // an existing path wins
        ("a:b:v2", LocalImageReference(path: "a:b", tag: "v2")),
        ("oci:dir", LocalImageReference(path: "dir", transport: .oci)),
        ("oci:dir:v1", LocalImageReference(path: "dir", tag: "v1", transport: .oci)),
        ("oci:odd", LocalImageReference(path: "oci:odd")),                      // a file named so
        ("oci-archive:save.tar:latest", LocalImageReference(path: "save.tar", tag: "latest", transport: .ociArchive)),
        ("docker-archive:save.tar:example/app:1.0", LocalImageReference(path: "save.tar", tag: "example/app:1.0", transport: .dockerArchive)),
        ("dir@sha256:\(hex)", LocalImageReference(path: "dir", digest: try! Digest(parsing: "sha256:\(hex)"))),
        ("oci:dir:v1@sha256:\(hex)", LocalImageReference(path: "dir", tag: "v1", digest: try! Digest(parsing: "sha256:\(hex)"), transport: .oci)),
        ("at@dir", LocalImageReference(path: "at@dir")),                        // not a digest after @
        ("at@dir:v1", LocalImageReference(path: "at@dir", tag: "v1")),
    ]

    @Test(arguments: cases)
    func parses(_ text: String, _ expected: LocalImageReference) throws {
        let reference = try LocalImageReference(parsing: text, exists: Self.exists)
        #expect(reference == expected)
        #expect(reference.description == text || Self.exists(text))
    }

    @Test func registryReferencesAreRefused() {
        #expect(errorCode { _ = try LocalImageReference(parsing: "docker://alpine:3", exists: Self.exists) } == .invalidArgument)
        #expect(errorCode { _ = try LocalImageReference(parsing: "oci:", exists: Self.exists) } == .invalidArgument)
    }

    @Test func aTransportMustSayWhatTheFileIs() throws {
        let layout = fixture("oci-two-platforms")
        #expect(errorCode { _ = try LocalImageReference(path: layout, transport: .ociArchive).open(limits: ImageLimits()) } == .invalidArgument)
        #expect(errorCode { _ = try LocalImageReference(path: fixture("docker-24.tar"), transport: .oci).open(limits: ImageLimits()) } == .invalidArgument)
        #expect(try LocalImageReference(path: layout, transport: .oci).open(limits: ImageLimits()).kind == .ociLayout)
    }
}

/// End to end: every command takes the same references.
@Suite struct ReferenceCommandTests {
    static let arm64 = "sha256:e875301438843c8d0db5abbb8f26e3c96f415dbc3e5668203fbc6652846bd5d2"

    func runAll(_ reference: String) throws -> [String: RunResult] {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar").path
        return [
            "verify": try run(manifoldBinary, ["verify", reference]),
            "inspect": try run(manifoldBinary, ["inspect", "--tree", reference]),
            "pack": try run(manifoldBinary, ["pack", "-o", out, reference]),
        ]
    }

    @Test func tagsDigestsAndPrefixesSelectTheSameImageEverywhere() throws {
        let layout = fixture("oci-two-platforms")
        let archive = try ImageFixtures.ociArchive(of: try ImageFixtures.copy("oci-two-platforms"))
        for reference in ["\(layout):arm64", "\(layout)@\(Self.arm64)", "oci:\(layout):arm64", "oci:\(layout)@\(Self.arm64)",
                          "oci-archive:\(archive.path):arm64", "\(archive.path)@\(Self.arm64)"] {
            for (command, result) in try runAll(reference) {
                #expect(result.status == 0, "\(command) \(reference): \(result.stderr)")
                #expect(result.stdout.contains("linux/arm64/v8") || result.stdout.contains("1 platform,"), "\(command) \(reference)")
                #expect(!result.stdout.contains("linux/amd64"), "\(command) \(reference) chose amd64 too")
            }
        }
        let verified = try run(manifoldBinary, ["verify", "\(layout):arm64"])
        #expect(verified.stdout.contains(": 1 platform, 4 blobs,"), "\(verified.stdout)")
        #expect(verified.stdout.contains("tags: arm64"))
        let docker = try runAll("docker-archive:\(fixture("docker-24.tar")):example/app:24")
        #expect(docker.values.allSatisfy { $0.status == 0 }, "\(docker.mapValues(\.stderr))")
    }

    @Test func namesThatNameNothingExitTwoListingTheTags() throws {
        let layout = fixture("oci-two-platforms")
        for reference in ["\(layout):nope", "\(layout)@sha256:\(String(repeating: "0", count: 64))"] {
            for (command, result) in try runAll(reference) {
                #expect(result.status == 2, "\(command) \(reference)")
                #expect((result.stdout + result.stderr).contains("tags: amd64, arm64"), "\(command): \(result.stdout) \(result.stderr)")
            }
        }
    }

    @Test func wrongPrefixesAndRegistriesExitTwo() throws {
        let archive = try ImageFixtures.ociArchive(of: try ImageFixtures.copy("oci-two-platforms"))
        let cases = [("oci:\(archive.path)", "is an oci-archive (write oci-archive:"),
                     ("docker-archive:\(fixture("oci-two-platforms"))", "is an OCI layout directory (write oci:"),
                     ("oci-archive:\(fixture("docker-24.tar"))", "is a docker-save archive (write docker-archive:"),
                     ("docker://docker.io/library/alpine:3", "registry references are not supported yet")]
        for (reference, words) in cases {
            // verify and inspect read docker:// from the registry now (RegistryCommandTests);
            // pack still refuses it with the same words.
            for (command, result) in try runAll(reference) where !(reference.hasPrefix("docker://") && command != "pack") {
                #expect(result.status == 2, "\(command) \(reference)")
                #expect((result.stdout + result.stderr).contains(words), "\(command) \(reference): \(result.stdout) \(result.stderr)")
            }
        }
    }
}
