import Foundation
import Testing
@testable import Manifold

/// `pull … -o DIR` where DIR is an OCI layout already: it gains only the blobs it lacks
/// (those it has are read from it, not from the source), index.json gains the pulled
/// image's entry (replacing the one of the same ref name) with every other entry kept byte
/// for byte, and the layout is valid at every moment.
@Suite struct PullIntoLayoutTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func fixture(_ name: String) -> String { ImageFixtures.directory.appendingPathComponent(name).path }

    func pull(_ source: String, _ out: String, _ extra: [String] = []) throws -> RunResult {
        try run(manifoldBinary, ["pull", source, "-o", out] + extra)
    }

    func index(_ layout: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: layout).appendingPathComponent("index.json")))
    }

    /// (ref name, digest) of each index.json entry, in order.
    func entries(_ layout: String) throws -> [(String?, String)] {
        let object = try JSONSerialization.jsonObject(with: Data(try index(layout))) as? [String: Any]
        return (object?["manifests"] as? [[String: Any]] ?? []).map {
            (($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"], $0["digest"] as? String ?? "")
        }
    }

    func inode(_ file: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    /// Hidden temporaries anywhere below `directory`.
    func temporaries() -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).filter { $0.contains(".manifold-") }
    }

    @Test func aSecondImageIsAddedAndTheFirstEntryKeptByteForByte() throws {
        let out = path("layout")
        #expect(try pull(fixture("oci-two-platforms") + ":amd64", out + ":first").status == 0)
        // An index.json as another tool may write it: indented, escaped, with members of its own.
        let first = try entries(out)[0].1
        let oldEntry = #"{ "mediaType" : "application/vnd.oci.image.manifest.v1+json", "digest": "\#(first)", "size": 555, "annotations": {"org.opencontainers.image.ref.name": "first", "note": "\u003cteam\u003e"} }"#
        let oldIndex = "{\n  \"schemaVersion\": 2,\n  \"manifests\": [\n    \(oldEntry)\n  ],\n  \"annotations\": {\"x\": \"y\"}\n}\n"
        try Data(oldIndex.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("index.json"))
        let blobs = URL(fileURLWithPath: out).appendingPathComponent("blobs/sha256")
        let before = try FileManager.default.contentsOfDirectory(atPath: blobs.path)
        let inodes = try before.map { try inode(blobs.appendingPathComponent($0).path) }

        let added = try pull(fixture("zstd-layers"), out + ":second")
        #expect(added.status == 0, "\(added.stdout) \(added.stderr)")
        #expect(added.stdout.contains("(OCI layout, added to): 1 image, 4 blobs (1 there already)"), "\(added.stdout)")
        let text = String(decoding: try index(out), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"schemaVersion\": 2,\n  \"manifests\": [\(oldEntry),{"), "\(text)")
        #expect(text.hasSuffix("}],\n  \"annotations\": {\"x\": \"y\"}\n}\n"), "\(text)")
        #expect(try entries(out).map(\.0) == ["first", "second"])
        // The blobs it had are the same files (not rewritten), and the layout verifies.
        #expect(try before.map { try inode(blobs.appendingPathComponent($0).path) } == inodes)
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)

        // The same name again: its entry replaced, the other kept; nothing new to write.
        let again = try pull(fixture("oci-two-platforms") + ":arm64", out + ":second")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        let now = try entries(out)
        #expect(now.map(\.0) == ["first", "second"] && now[0].1 == first && now[1].1 != first, "\(now)")
        #expect(String(decoding: try index(out), as: UTF8.self).contains(oldEntry))
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
        #expect(temporaries() == [])
    }

    /// What the layout holds is not read from the source: a source whose layer went bad
    /// since still pulls into the layout that has that layer (and fails into an empty one).
    @Test func blobsTheLayoutHoldsAreNotReadFromTheSource() throws {
        let source = try ImageFixtures.copy("zstd-layers")
        let out = path("layout")
        #expect(try pull(source.path, out + ":a").status == 0)
        let editor = LayoutEditor(root: source)
        try editor.flipByte(try editor.manifestParts(try editor.manifestDigest(0)).layers[1])
        let fresh = try pull(source.path, path("fresh"))
        #expect(fresh.status == 1 && !FileManager.default.fileExists(atPath: path("fresh")), "\(fresh.stdout)")
        let again = try pull(source.path, out + ":b")
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("4 blobs (4 there already)"), "\(again.stdout)")
        #expect(try entries(out).map(\.0) == ["a", "b"])
    }

    /// A blob of the layout that is not what its name says (same size, a byte changed) is
    /// read from the source instead and replaced; the layout then verifies.
    @Test func aDamagedBlobOfTheLayoutIsReplaced() throws {
        let out = path("layout")
        #expect(try pull(fixture("zstd-layers"), out).status == 0)
        let editor = LayoutEditor(root: URL(fileURLWithPath: out))
        let layer = try editor.manifestParts(try editor.manifestDigest(0)).layers[0]
        try editor.flipByte(layer)
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 1)
        let repaired = try pull(fixture("zstd-layers"), out)
        #expect(repaired.status == 0 && repaired.stdout.contains("(3 there already)"), "\(repaired.stdout) \(repaired.stderr)")
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
        let original = try Data(contentsOf: ImageFixtures.directory.appendingPathComponent("zstd-layers/blobs/sha256/\(layer.dropFirst(7))"))
        #expect(try Data(contentsOf: editor.blobURL(layer)) == original)
        #expect(try entries(out).count == 1, "the same unnamed digest is not listed twice")
    }

    /// skopeo's spelling `oci:DIR:TAG` names the entry as OUT:TAG does.
    @Test func skopeosOCIPrefixIsAccepted() throws {
        let out = path("layout")
        let result = try pull(fixture("zstd-layers"), "oci:\(out):v9")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try entries(out).map(\.0) == ["v9"])
    }

    /// A directory that is not a layout is still refused, and an interrupted pull into a
    /// layout leaves it as it was; temporaries of a run killed outright are swept.
    @Test func anInterruptedPullLeavesTheLayoutAsItWas() throws {
        let plain = path("plain")
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: plain).appendingPathComponent("notes.txt"))
        let refused = try pull(fixture("zstd-layers"), plain)
        #expect(refused.status == 2 && refused.stderr.contains("exists; give --force"), "\(refused.stderr)")

        let out = path("layout")
        #expect(try pull(fixture("zstd-layers"), out + ":a").status == 0)
        // What a run killed with SIGKILL would leave: swept by the next run.
        let blobs = URL(fileURLWithPath: out).appendingPathComponent("blobs/sha256")
        try Data("partial".utf8).write(to: blobs.appendingPathComponent(".\(String(repeating: "ab", count: 32)).manifold-99999999-x1.tmp"))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(".index.json.manifold-99999999-x2.tmp"))
        let before = try index(out)

        let input = try sparseLayerLayout(in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["pull", input, "-o", out + ":big"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = false
        for _ in 0..<400 where !started {
            started = temporaries().contains { $0.hasPrefix(".layout.manifold-\(process.processIdentifier)-") }
            if !started { usleep(25_000) }
        }
        #expect(started, "pull did not start staging")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(try index(out) == before)
        #expect(temporaries() == [], "\(temporaries())")
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
    }

    /// From a registry: a layer the layout holds is not downloaded again (tampered with on
    /// the registry's disk after the first pull, the second pull still passes; a fresh one fails).
    @Test(.requires(.skopeo, .dockerRegistry))
    func aRegistryPullDownloadsOnlyWhatTheLayoutLacks() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try registry.push(.gzipLayers, to: "manifold/into-layout")
        let out = path("layout")
        let reference = "\(registry.host)/\(pushed.repository):v1"
        let first = try pull(reference, out + ":one")
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        try registry.tamperWithBlob(try #require(pushed.layers.last))
        let fresh = try pull(reference, path("fresh"))
        #expect(fresh.status == 1, "\(fresh.stdout)")
        let second = try pull(reference, out + ":two")
        #expect(second.status == 0 && second.stdout.contains("(4 there already)"), "\(second.stdout) \(second.stderr)")
        #expect(try entries(out).map(\.0) == ["one", "two"])
    }
}

extension PullIntoLayoutTests {
    /// Pulls adding to one layout at the same time each add their entry: none is lost.
    @Test func concurrentPullsIntoOneLayoutKeepEveryEntry() throws {
        let out = path("layout")
        #expect(try pull(fixture("zstd-layers"), out + ":base").status == 0)
        let tags = (0..<6).map { "t\($0)" }
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: tags.count) { index in
            let source = index % 2 == 0 ? fixture("oci-two-platforms") + ":amd64" : fixture("zstd-layers")
            if (try? pull(source, out + ":" + tags[index]))?.status != 0 { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(Set(try entries(out).compactMap(\.0)) == Set(["base"] + tags))
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
        #expect(temporaries() == [])
    }
}
