import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

func verify(_ url: URL, _ configure: (inout VerifyOptions) -> Void = { _ in }) -> VerificationReport {
    var options = VerifyOptions()
    configure(&options)
    return Verifier(options: options).verify(url.path)
}

/// The failed results as "path: problem kinds", for assertions that name the descriptor.
func failures(_ report: VerificationReport) -> [String] {
    report.failedResults.map { "\($0.pathString): \($0.problems.map(\.kind.rawValue).joined(separator: ","))" }
}

@Suite struct VerifyFixtureTests {
    static let fixtures: [(String, [String])] = [
        ("oci-two-platforms", ["linux/amd64", "linux/arm64/v8"]),
        // Its buildx attestation manifest (unknown/unknown) is not a platform: it is shown apart.
        ("oci-nested-index", ["linux/amd64", "linux/arm64/v8"]),
        ("docker-media-types", ["linux/amd64", "linux/arm/v7"]),
        ("zstd-layers", ["linux/amd64"]),
        ("multi-member-gzip", ["linux/amd64"]),
        ("plain-layers", ["linux/amd64"]),
        ("foreign-layer", ["windows/amd64"]),
        ("docker-24.tar", ["linux/amd64"]),
        ("docker-25.tar", ["linux/arm64"]),
    ]

    @Test(arguments: fixtures)
    func fixtureVerifies(_ name: String, platforms: [String]) throws {
        let report = verify(ImageFixtures.directory.appendingPathComponent(name))
        #expect(report.status == .verified, "\(failures(report)) \(report.error?.message ?? "")")
        #expect(report.platforms.map(\.description) == platforms)
        // Every layer of every platform was decompressed and checked against its diff_id.
        #expect(report.results.filter { $0.kind == .layer && $0.status == .verified }.count >= platforms.count)
        #expect(report.failedResults.isEmpty)
    }

    @Test func kindsAreDetected() {
        #expect(verify(ImageFixtures.directory.appendingPathComponent("docker-24.tar")).kind == .dockerArchive)
        #expect(verify(ImageFixtures.directory.appendingPathComponent("oci-two-platforms")).kind == .ociLayout)
    }

    @Test func foreignLayersAreUnverifiedNeverFetched() {
        let report = verify(ImageFixtures.directory.appendingPathComponent("foreign-layer"))
        let foreign = report.results.filter { $0.reason == .foreign }
        #expect(foreign.count == 1)
        #expect(foreign.first?.pathString.hasSuffix("layers[0]") == true)
        #expect(foreign.first?.notes.first?.contains("not fetched") == true)
    }

    @Test func urlsOnANonForeignLayerDoNotExcuseItsAbsence() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        let layer = try editor.manifestParts(editor.manifestDigest(0)).layers[0]
        let size = try Data(contentsOf: editor.blobURL(layer)).count
        try editor.rewrite(editor.manifestDigest(0)) {
            $0.replacingOccurrences(of: "\"\(layer)\",\"size\":\(size)", with: "\"\(layer)\",\"size\":\(size),\"urls\":[\"https://example.com/l\"]")
        }
        try FileManager.default.removeItem(at: editor.blobURL(layer))
        let report = verify(copy)
        #expect(report.status == .failed)
        #expect(failures(report) == ["index.json › manifests[0] (linux/amd64) › layers[0]: absent"])
        #expect(report.unverifiedResults.isEmpty)
        // A foreign media type with urls stays what it was: unverified, never fetched.
        let foreign = verify(ImageFixtures.directory.appendingPathComponent("foreign-layer"))
        #expect(foreign.status == .verified)
        #expect(foreign.unverifiedResults.map(\.reason) == [.foreign])
    }

    @Test func sparseArchivesFailUnlessAllowed() {
        let url = ImageFixtures.directory.appendingPathComponent("containerd-sparse.tar")
        let strict = verify(url)
        #expect(strict.status == .failed)
        #expect(failures(strict) == ["index.json › manifests[0] › manifests[1] (linux/arm64/v8): absent"])
        let sparse = verify(url) { $0.allowSparse = true }
        #expect(sparse.status == .verified)
        #expect(sparse.unverifiedResults.map(\.reason) == [.absent])
    }

    @Test func dockerArchivesShareBlobsBetweenTheirTwoRoots() {
        let report = verify(ImageFixtures.directory.appendingPathComponent("docker-25.tar"))
        // index.json's layers and manifest.json's layers are the same two tar members.
        let layers = report.results.filter { $0.kind == .layer }
        #expect(layers.count == 4)
        #expect(report.blobCount == 5)  // manifest + config + 2 layers read once + manifest.json's config
    }

    @Test func platformFilterVerifiesOnlyThatPlatform() {
        let url = ImageFixtures.directory.appendingPathComponent("oci-nested-index")
        let arm = verify(url) { $0.platforms = [Platform(os: "linux", architecture: "aarch64")] }
        #expect(arm.status == .verified)
        #expect(arm.platforms.map(\.description) == ["linux/arm64/v8"])
        #expect(!arm.results.contains { $0.platform?.architecture == "amd64" })
        let none = verify(url) { $0.platforms = [Platform(os: "linux", architecture: "s390x")] }
        #expect(none.status == .unusable)
        #expect(none.error?.message.contains("linux/s390x") == true)
    }

    @Test func shallowSkipsDiffIDs() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        let config = try editor.manifestParts(editor.manifestDigest(0)).config
        try editor.rewrite(config, breakingFirstDiffID)
        let full = verify(copy)
        #expect(failures(full) == ["index.json › manifests[0] (linux/amd64) › layers[0]: diff_id"])
        let shallow = verify(copy) { $0.shallow = true }
        #expect(shallow.status == .verified)
        #expect(shallow.shallow)
    }

    @Test func unusableInputs() throws {
        let empty = try ImageFixtures.temporaryDirectory()
        #expect(verify(empty).status == .unusable)
        #expect(verify(URL(fileURLWithPath: "/nonexistent")).status == .unusable)
        let text = empty.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        #expect(verify(text).error?.code == .unsupportedFormat)
        let gz = empty.appendingPathComponent("image.tar.gz")
        try Data(gzipCompress(Array(repeating: 0, count: 2048))).write(to: gz)
        #expect(verify(gz).error?.message.contains("gzip-compressed") == true)
    }
}

/// Each way to break an image, on an OCI layout: the verdict and the descriptor it names.
@Suite struct CorruptionMatrixTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let status: VerificationReport.Status
        /// Expected "path: kinds" of the failures (nil: only check status).
        let failures: [String]?
        let breakIt: @Sendable (LayoutEditor) throws -> Void
        var testDescription: String { name }
    }

    static let amd = "index.json › manifests[0] (linux/amd64)"
    static let arm = "index.json › manifests[1] (linux/arm64/v8)"

    static let cases: [Case] = [
        Case(name: "byte flipped in a layer", status: .failed, failures: ["\(amd) › layers[1]: digest,decompression"]) { e in
            try e.flipByte(e.manifestParts(e.manifestDigest(0)).layers[1])
        },
        Case(name: "byte flipped in a config", status: .failed, failures: ["\(arm) › config: digest"]) { e in
            try e.flipByte(e.manifestParts(e.manifestDigest(1)).config, at: 5)
        },
        Case(name: "byte flipped in a manifest", status: .failed, failures: ["\(arm): digest"]) { e in
            try e.flipByte(e.manifestDigest(1), at: 3)
        },
        Case(name: "index.json made invalid", status: .unusable, failures: nil) { e in
            try e.writeIndexJSON(try e.indexJSON.replacingOccurrences(of: "{\"schemaVersion\"", with: "{\"schemaVersion\":2,\"schemaVersion\""))
        },
        Case(name: "blob truncated", status: .failed, failures: ["\(amd) › layers[0]: size,digest,decompression"]) { e in
            let url = e.blobURL(try e.manifestParts(e.manifestDigest(0)).layers[0])
            let data = try Data(contentsOf: url)
            try data.prefix(data.count - 10).write(to: url)
        },
        Case(name: "blob extended", status: .failed, failures: ["\(amd) › layers[0]: size,digest,decompression"]) { e in
            let url = e.blobURL(try e.manifestParts(e.manifestDigest(0)).layers[0])
            try (try Data(contentsOf: url) + Data([0, 0, 0, 0])).write(to: url)
        },
        Case(name: "size field wrong", status: .failed, failures: ["\(amd) › layers[1]: size"]) { e in
            let layer = try e.manifestParts(e.manifestDigest(0)).layers[1]
            let size = try Data(contentsOf: e.blobURL(layer)).count
            try e.rewrite(e.manifestDigest(0)) { $0.replacingOccurrences(of: "\"\(layer)\",\"size\":\(size)", with: "\"\(layer)\",\"size\":\(size + 1)") }
        },
        Case(name: "diff_id wrong", status: .failed, failures: ["\(arm) › layers[0]: diff_id"]) { e in
            try e.rewrite(e.manifestParts(e.manifestDigest(1)).config, breakingFirstDiffID)
        },
        Case(name: "diff_ids count wrong", status: .failed, failures: ["\(amd) › config: diff_id_count"]) { e in
            try e.rewrite(e.manifestParts(e.manifestDigest(0)).config) { text in
                text.replacingOccurrences(of: #"("diff_ids":\["sha256:[0-9a-f]{64}"),"sha256:[0-9a-f]{64}""#, with: "$1", options: .regularExpression)
            }
        },
        Case(name: "platform mismatch", status: .failed, failures: ["index.json › manifests[1] (linux/s390x) › config: platform"]) { e in
            try e.writeIndexJSON(try e.indexJSON.replacingOccurrences(of: "\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"", with: "\"architecture\":\"s390x\",\"os\":\"linux\""))
        },
        Case(name: "missing blob", status: .failed, failures: ["\(arm) › layers[1]: absent"]) { e in
            try FileManager.default.removeItem(at: e.blobURL(try e.manifestParts(e.manifestDigest(1)).layers[1]))
        },
        Case(name: "symlinked blob", status: .failed, failures: ["\(amd) › layers[0]: layout"]) { e in
            let url = e.blobURL(try e.manifestParts(e.manifestDigest(0)).layers[0])
            let outside = e.root.deletingLastPathComponent().appendingPathComponent("outside")
            try FileManager.default.moveItem(at: url, to: outside)
            try FileManager.default.createSymbolicLink(at: url, withDestinationURL: outside)
        },
        Case(name: "ambiguous manifest", status: .failed, failures: ["\(amd): document"]) { e in
            try e.rewrite(e.manifestDigest(0)) { "{\"manifests\":[]," + $0.dropFirst() }
        },
        Case(name: "\"Layers\" key", status: .failed, failures: ["\(arm): document"]) { e in
            try e.rewrite(e.manifestDigest(1)) { $0.replacingOccurrences(of: "\"layers\":", with: "\"Layers\":") }
        },
        Case(name: "duplicate key", status: .failed, failures: ["\(amd): document"]) { e in
            try e.rewrite(e.manifestDigest(0)) { "{\"schemaVersion\":2," + $0.dropFirst() }
        },
        Case(name: "wrong media type for the content", status: .failed, failures: ["\(amd) › layers[0]: compression"]) { e in
            try e.rewrite(e.manifestDigest(0)) { text in
                guard let range = text.range(of: "tar+gzip") else { return text }
                return text.replacingCharacters(in: range, with: "tar+zstd")
            }
        },
        Case(name: "manifest mediaType disagrees with its descriptor", status: .failed, failures: ["\(arm): document"]) { e in
            try e.rewrite(e.manifestDigest(1)) { $0.replacingOccurrences(of: "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"", with: "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"") }
        },
    ]

    @Test(arguments: cases)
    func corruption(_ testCase: Case) throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        try testCase.breakIt(LayoutEditor(root: copy))
        let report = verify(copy)
        #expect(report.status == testCase.status, "\(failures(report)) \(report.error?.message ?? "")")
        if let expected = testCase.failures {
            #expect(failures(report) == expected)
        }
    }
}

/// The same image, and the same damage, in the three containers: the same verdicts.
@Suite struct ContainerAgreementTests {
    @Test(.requires(.skopeo)) func sameImageSameVerdictInEveryContainer() throws {
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let archive = try ImageFixtures.ociArchive(of: layout)
        let docker = try ImageFixtures.dockerArchive(of: layout, tag: "amd64")
        for url in [layout, archive, docker] {
            let report = verify(url)
            #expect(report.status == .verified, "\(url.lastPathComponent): \(failures(report))")
            #expect(report.platforms.first?.description == "linux/amd64")
        }

        // Break layer 1 of amd64 in each container.
        let editor = LayoutEditor(root: layout)
        let layer = try editor.manifestParts(editor.manifestDigest(0)).layers[1]
        try editor.flipByte(layer)
        try flipByte(inTar: archive, member: "blobs/sha256/" + layer.dropFirst(7))
        let dockerManifest = try JSONParser.parse(Array(Data(contentsOf: extract(docker, "manifest.json"))))
        guard case .array(let entries) = dockerManifest, case .object(let entry) = entries[0],
              case .array(let layers)? = entry["Layers"], case .string(let dockerLayer) = layers[1] else {
            Issue.record("unexpected manifest.json"); return
        }
        try flipByte(inTar: docker, member: dockerLayer)

        for url in [layout, archive, docker] {
            let report = verify(url)
            #expect(report.status == .failed, "\(url.lastPathComponent)")
            let failed = report.failedResults.map(\.pathString)
            #expect(failed.count == 1, "\(url.lastPathComponent): \(failed)")
            #expect(failed.first?.contains("ayers[1]") == true, "\(url.lastPathComponent): \(failed)")
        }
    }

    func extract(_ tar: URL, _ member: String) throws -> URL {
        let directory = try ImageFixtures.temporaryDirectory()
        _ = try shell("tar -C '\(directory.path)' -xf '\(tar.path)' '\(member)'")
        return directory.appendingPathComponent(member)
    }
}

/// Images made by the real tools verify; and the CLI's output and exit codes.
@Suite struct VerifyCommandTests {
    @Test(.requires(.umoci, .skopeo)) func imagesMadeByUmociAndSkopeoVerify() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let layout = directory.appendingPathComponent("layout").path
        let content = directory.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("app"), withIntermediateDirectories: true)
        try Data(layerLikeBytes(count: 300_000)).write(to: content.appendingPathComponent("app/data"))
        _ = try shell("""
            umoci init --layout '\(layout)' && umoci new --image '\(layout):v1' &&
            umoci insert --image '\(layout):v1' '\(content.path)/app' /app &&
            umoci config --image '\(layout):v1' --architecture arm64 --os linux &&
            skopeo copy -q 'oci:\(layout):v1' 'oci-archive:\(directory.path)/o.tar:v1' &&
            skopeo copy -q 'oci:\(layout):v1' 'docker-archive:\(directory.path)/d.tar:example/umoci:v1'
            """)
        for image in [layout, "\(directory.path)/o.tar", "\(directory.path)/d.tar"] {
            let result = try run(manifoldBinary, ["verify", image])
            #expect(result.status == 0, "\(image): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("linux/arm64"))
            #expect(result.stdout.hasSuffix(": verified\n"))
        }
    }

    @Test func failureNamesThePathAndExitsOne() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(1)).config, breakingFirstDiffID)
        let result = try run(manifoldBinary, ["verify", copy.path])
        #expect(result.status == 1)
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("✗ ") }
        #expect(line?.hasPrefix("✗ index.json › manifests[1] (linux/arm64/v8) › layers[0] sha256:") == true, "\(result.stdout)")
        #expect(line?.contains(": diff_id mismatch: expected sha256:") == true)
        #expect(result.stdout.hasSuffix("FAILED: 1 failed, 0 unverified\n"))
    }

    @Test func jsonReportIsParseableAndStable() throws {
        let good = ImageFixtures.directory.appendingPathComponent("foreign-layer").path
        let result = try run(manifoldBinary, ["verify", "--json", good, "/nonexistent"])
        #expect(result.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["version"] as? Int == 1)
        #expect(object?["status"] as? String == "unusable")
        let images = object?["images"] as? [[String: Any]] ?? []
        #expect(images.map { $0["status"] as? String } == ["verified", "unusable"])
        let results = images.first?["results"] as? [[String: Any]] ?? []
        let foreign = results.first { $0["reason"] as? String == "foreign" }
        #expect(foreign?["status"] as? String == "unverified")
        #expect(foreign?["kind"] as? String == "layer")
        #expect((foreign?["path"] as? String)?.hasSuffix("layers[0]") == true)
        #expect(Set(results.first?.keys.map { $0 } ?? []) == ["path", "pathComponents", "kind", "mediaType", "digest", "size", "platform", "status", "reason", "problems", "notes", "tags", "sameAs"])
    }

    @Test func exitCodes() throws {
        let fixtures = ImageFixtures.directory
        #expect(try run(manifoldBinary, ["verify", fixtures.appendingPathComponent("docker-24.tar").path]).status == 0)
        #expect(try run(manifoldBinary, ["verify", fixtures.appendingPathComponent("containerd-sparse.tar").path]).status == 1)
        #expect(try run(manifoldBinary, ["verify", "--allow-sparse", fixtures.appendingPathComponent("containerd-sparse.tar").path]).status == 0)
        #expect(try run(manifoldBinary, ["verify", "/nonexistent"]).status == 2)
        #expect(try run(manifoldBinary, ["verify", "--platform", "linux", fixtures.path]).status == 2)
        let quiet = try run(manifoldBinary, ["verify", "--quiet", fixtures.appendingPathComponent("zstd-layers").path])
        #expect(quiet.stdout.split(separator: "\n").count == 1)
    }
}
