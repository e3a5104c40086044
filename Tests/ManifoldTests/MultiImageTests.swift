import Foundation
import Testing
@testable import Manifold

/// Files holding several tagged images (issue 8, item 15).
enum MultiImageFixtures {
    /// One OCI layout holding three tagged images: "nested" (oci-nested-index: amd64, arm64/v8
    /// and an attestation), "docker" (docker-media-types: amd64, arm/v7) and "zstd" (amd64).
    static func layout() throws -> URL {
        let root = try ImageFixtures.temporaryDirectory().appendingPathComponent("three")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        var entries: [Descriptor] = []
        for (name, tag) in [("oci-nested-index", "nested"), ("docker-media-types", "docker"), ("zstd-layers", "zstd")] {
            let source = ImageFixtures.directory.appendingPathComponent(name)
            for blob in try fm.contentsOfDirectory(atPath: source.appendingPathComponent("blobs/sha256").path) {
                let target = root.appendingPathComponent("blobs/sha256/\(blob)")
                if !fm.fileExists(atPath: target.path) {
                    try fm.copyItem(at: source.appendingPathComponent("blobs/sha256/\(blob)"), to: target)
                }
            }
            let index = try ImageIndex(json: JSONParser.parse(Array(Data(contentsOf: source.appendingPathComponent("index.json")))), declaredMediaType: nil)
            var entry = index.manifests[0]
            entry.annotations = ["org.opencontainers.image.ref.name": tag]
            entries.append(entry)
        }
        try Data(JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: entries).json)).write(to: root.appendingPathComponent("index.json"))
        try fm.copyItem(at: ImageFixtures.directory.appendingPathComponent("zstd-layers/oci-layout"), to: root.appendingPathComponent("oci-layout"))
        return root
    }

    /// A docker save (Docker ≤ 24) of two images: docker-24.tar's (amd64, example/app:amd64)
    /// and the same layers under a config that says arm64 (example/app:arm64).
    static func dockerSave() throws -> URL {
        let directory = try ImageFixtures.temporaryDirectory()
        let tree = directory.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        _ = try shell("tar -C '\(tree.path)' -xf '\(fixture("docker-24.tar"))'")
        let configName = "2a194d44a5e05435b546d72b53eb3a339d3e2ef7bd5b00b288581c331bb8584b.json"
        let config = try String(contentsOf: tree.appendingPathComponent(configName), encoding: .utf8)
        let arm = Array(config.replacingOccurrences(of: "\"architecture\":\"amd64\"", with: "\"architecture\":\"arm64\"").utf8)
        let armName = try sha256(arm).encoded + ".json"
        try Data(arm).write(to: tree.appendingPathComponent(armName))
        let manifest = String(decoding: try Data(contentsOf: tree.appendingPathComponent("manifest.json")), as: UTF8.self)
        let amdEntry = manifest.dropFirst().dropLast().replacingOccurrences(of: "example/app:24", with: "example/app:amd64")
        let armEntry = amdEntry.replacingOccurrences(of: configName, with: armName).replacingOccurrences(of: "example/app:amd64", with: "example/app:arm64")
        try Data("[\(amdEntry),\(armEntry)]".utf8).write(to: tree.appendingPathComponent("manifest.json"))
        let tar = directory.appendingPathComponent("two-images.tar")
        _ = try shell("cd '\(tree.path)' && tar -cf '\(tar.path)' *")
        return tar
    }
}

@Suite struct MultiImageTests {
    @Test func verifyVerifiesEveryTaggedImageAndShowsTheTags() throws {
        let layout = try MultiImageFixtures.layout()
        let report = verify(layout)
        #expect(report.status == .verified, "\(failures(report))")
        #expect(report.images == 3)
        // The nested image's buildx attestation (unknown/unknown) is attached to a platform, not one.
        #expect(report.platforms.map(\.description) == ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"])
        #expect(report.results.filter { !$0.tags.isEmpty }.map { "\($0.pathString): \($0.tags)" } == [
            "index.json › manifests[0]: [\"nested\"]", "index.json › manifests[1]: [\"docker\"]",
            "index.json › manifests[2] (linux/amd64): [\"zstd\"]",
        ])

        let text = try run(manifoldBinary, ["verify", layout.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains(": 3 images, 3 platforms, 1 attestation, "), "\(text.stdout)")
        #expect(text.stdout.contains("├─ manifests[1]  index  sha256:dc97269b87ac  542 B  ✓  tags: docker"))
        let json = try run(manifoldBinary, ["verify", "--json", layout.path])
        #expect(json.stdout.contains("\"images\": 3"))
        #expect(json.stdout.contains("\"tags\": [\n            \"zstd\"\n          ]"), "\(json.stdout)")

        // Only the image named.
        let one = try run(manifoldBinary, ["verify", layout.path + ":docker"])
        #expect(one.status == 0)
        #expect(one.stdout.contains(": 2 platforms, "), "\(one.stdout)")
        #expect(!one.stdout.contains("tags: zstd"))
    }

    @Test func inspectTreeShowsTheTags() throws {
        let layout = try MultiImageFixtures.layout()
        let tree = try run(manifoldBinary, ["inspect", "--tree", layout.path])
        #expect(tree.status == 0, "\(tree.stderr)")
        let lines = tree.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("├─ index sha256:") && $0.hasSuffix("tags: nested") }, "\(tree.stdout)")
        #expect(lines.contains { $0.hasPrefix("├─ linux/amd64  manifest sha256:ab464d547d4f") && $0.hasSuffix("tags: zstd") }, "\(tree.stdout)")
        #expect(lines.last?.hasPrefix("3 images, 3 platforms, ") == true, "\(lines.last ?? "")")
    }

    @Test func verifyOfAMultiImageDockerSave() throws {
        let save = try MultiImageFixtures.dockerSave()
        let report = verify(save)
        #expect(report.status == .verified, "\(failures(report))")
        #expect(report.images == 2)
        #expect(report.results.filter { !$0.tags.isEmpty }.map(\.tags) == [["example/app:amd64"], ["example/app:arm64"]])
        let one = Verifier().verify(try LocalImageReference(parsing: save.path + ":example/app:arm64"))
        #expect(one.images == 1 && one.platforms.map(\.description) == ["linux/arm64"])
    }

    /// A Docker 25+ save names its image in index.json and in manifest.json: one tag, either
    /// spelling, selects it in both.
    @Test func oneTagSelectsBothRootsOfADocker25Save() throws {
        for tag in ["example/app:25", "25"] {
            let report = Verifier().verify(try LocalImageReference(parsing: fixture("docker-25.tar") + ":" + tag))
            #expect(report.status == .verified)
            #expect(report.results.filter { !$0.tags.isEmpty }.map(\.tags) == [["25"], ["example/app:25"]], "\(tag)")
        }
        let none = Verifier().verify(try LocalImageReference(parsing: fixture("docker-25.tar") + ":26"))
        #expect(none.status == .unusable)
        #expect(none.error?.message.hasSuffix("has no image tagged \"26\"; tags: 25, example/app:25") == true, "\(none.error?.message ?? "")")
    }

    /// One rule for an input without a tag: every image it holds, whether a layout's tags or
    /// a docker save's entries name them.
    @Test func packTreatsADockerSaveAndALayoutOfSeveralAlike() throws {
        let out = try ImageFixtures.temporaryDirectory()
        let save = try pack([try MultiImageFixtures.dockerSave().path], to: out.appendingPathComponent("a.tar"))
        #expect(save.entries.map { $0.platform?.description } == ["linux/amd64", "linux/arm64"])
        let layout = try pack([fixture("oci-two-platforms")], to: out.appendingPathComponent("b.tar"))
        #expect(layout.entries.map { $0.platform?.description } == ["linux/amd64", "linux/arm64/v8"])

        // Two images for one platform: the same refusal from either, and a tag picks one.
        let three = try MultiImageFixtures.layout()
        #expect(errorCode { _ = try pack([three.path], to: out.appendingPathComponent("c.tar")) } == .invalidArgument)
        let zstd = try pack([three.path + ":zstd"], to: out.appendingPathComponent("d.tar"))
        #expect(zstd.entries.map { $0.platform?.description } == ["linux/amd64"])
        let arm = try pack([try MultiImageFixtures.dockerSave().path + ":example/app:arm64"], to: out.appendingPathComponent("e.tar"))
        #expect(arm.entries.map { $0.platform?.description } == ["linux/arm64"])

        let refused = try run(manifoldBinary, ["pack", "-o", out.appendingPathComponent("f.tar").path, three.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("two images for linux/amd64: \(three.path):"), "\(refused.stderr)")
        #expect(refused.stderr.contains("name one image with INPUT:TAG"), "\(refused.stderr)")
    }
}
