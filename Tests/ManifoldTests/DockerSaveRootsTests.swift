import Foundation
import Testing
@testable import Manifold

/// A Docker 25+ save's two roots (issue 8, items 7b and 7d): `manifest.json`, which classic
/// `docker load` reads, and `index.json`, which the containerd store reads.
@Suite struct DockerSaveRootsTests {
    /// docker-25.tar, extracted, changed by `edit` (given the directory and manifest.json's
    /// value), and tarred again.
    func editedSave(_ edit: (URL, inout [[String: Any]]) throws -> Void) throws -> URL {
        let directory = try ImageFixtures.temporaryDirectory()
        let root = directory.appendingPathComponent("save")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = try shell("tar -C '\(root.path)' -xf '\(ImageFixtures.directory.appendingPathComponent("docker-25.tar").path)'")
        let manifestURL = root.appendingPathComponent("manifest.json")
        var entries = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [[String: Any]] ?? []
        try edit(root, &entries)
        try JSONSerialization.data(withJSONObject: entries).write(to: manifestURL)
        let archive = directory.appendingPathComponent("save.tar")
        _ = try shell("tar -C '\(root.path)' -cf '\(archive.path)' .")
        return archive
    }

    /// Stores `bytes` as a blob of the extracted save; returns its `blobs/sha256/…` path.
    func addBlob(_ bytes: [UInt8], to root: URL) throws -> String {
        let path = "blobs/sha256/" + (try sha256(bytes)).encoded
        try Data(bytes).write(to: root.appendingPathComponent(path))
        return path
    }

    @Test func rootsNamingDifferentImagesForOneTagFail() throws {
        var original = ""
        var other = ""
        let archive = try editedSave { root, entries in
            original = entries[0]["Config"] as? String ?? ""
            let config = try String(contentsOf: root.appendingPathComponent(original), encoding: .utf8)
            other = try addBlob(Array(config.replacingOccurrences(of: "\"arm64\"", with: "\"amd64\"").utf8), to: root)
            entries[0]["Config"] = other
        }
        let report = verify(archive)
        #expect(report.status == .failed)
        #expect(failures(report) == ["manifest.json › [0] (example/app:25): document"])
        let message = report.failedResults.first?.problems.first?.message ?? ""
        #expect(message.hasPrefix("manifest.json and index.json name different images for \"example/app:25\""))
        // Both images are named: manifest.json's config, index.json's manifest and config.
        #expect(message.contains("manifest.json [0] has config sha256:\(other.dropFirst(13).prefix(12))…"))
        #expect(message.contains("index.json manifests[0] (docker.io/example/app:25) is sha256:5dde6e4d3b3e…"))
        #expect(message.contains("with config sha256:\(original.dropFirst(13).prefix(12))…"))

        for command in [["verify"], ["inspect"], ["pack", "-o", archive.deletingLastPathComponent().appendingPathComponent("out").path]] {
            let result = try run(manifoldBinary, command + [archive.path])
            #expect(result.status == 1, "\(command)")
            #expect((result.stdout + result.stderr).contains("name different images for \"example/app:25\""))
        }
    }

    @Test func aConfigNameThatStatesNoDigestIsHashed() throws {
        let archive = try editedSave { root, entries in
            let original = entries[0]["Config"] as? String ?? ""
            let config = try String(contentsOf: root.appendingPathComponent(original), encoding: .utf8)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("other"), withIntermediateDirectories: true)
            try Data(config.replacingOccurrences(of: "\"arm64\"", with: "\"amd64\"").utf8).write(to: root.appendingPathComponent("other/config"))
            entries[0]["Config"] = "other/config"
        }
        let report = verify(archive)
        #expect(failures(report) == ["manifest.json › [0] (example/app:25): document"])
        // The same bytes under a name that states no digest, agreeing: verified.
        let agreeing = try editedSave { root, entries in
            let original = entries[0]["Config"] as? String ?? ""
            try FileManager.default.createDirectory(at: root.appendingPathComponent("other"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: root.appendingPathComponent(original), to: root.appendingPathComponent("other/config"))
            entries[0]["Config"] = "other/config"
        }
        #expect(verify(agreeing).status == .verified, "\(failures(verify(agreeing)))")
    }

    @Test func rootsThatAgreeVerify() throws {
        // The fixture itself, and a save whose manifest.json names the tag in its full form.
        #expect(verify(ImageFixtures.directory.appendingPathComponent("docker-25.tar")).status == .verified)
        let archive = try editedSave { _, entries in entries[0]["RepoTags"] = ["docker.io/example/app:25"] }
        #expect(verify(archive).status == .verified)
        // containerd's store: index.json's entry is an index; manifest.json's config is one
        // of its platforms'.
        let sparse = verify(ImageFixtures.directory.appendingPathComponent("containerd-sparse.tar")) { $0.allowSparse = true }
        #expect(sparse.status == .verified)
    }

    @Test func blobsManifestJSONReferencesAreNotUnreferenced() throws {
        var layerPath = ""
        let archive = try editedSave { root, entries in
            let layer = Array(String(repeating: "only classic docker load reads this layer\n", count: 40).utf8)
            layerPath = try addBlob(layer, to: root)
            let config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"\(try sha256(layer))\"]}}"
            let configPath = try addBlob(Array(config.utf8), to: root)
            entries.append(["Config": configPath, "RepoTags": ["example/other:1"], "Layers": [layerPath]])
            // A blob nobody references is still reported, so the note is not simply gone.
            _ = try addBlob(Array("stray\n".utf8), to: root)
        }
        let report = verify(archive)
        #expect(report.status == .verified, "\(failures(report))")
        let note = report.notes.first { $0.contains("unreferenced") }
        #expect(note?.hasPrefix("1 unreferenced blob in blobs/") == true, "\(report.notes)")
        #expect(note?.contains(String(layerPath.dropFirst(13).prefix(12))) == false)
    }
}
