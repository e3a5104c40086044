import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Layouts whose indexes list the same documents many times (issue 8, item 4), built from
/// a copy of oci-two-platforms.
struct FanOutLayout {
    let root: URL
    let amd64: Descriptor
    let arm64: Descriptor

    init() throws {
        root = try ImageFixtures.copy("oci-two-platforms")
        let index = try ImageIndex(json: JSONParser.parse(Array(Data(contentsOf: root.appendingPathComponent("index.json")))),
                                   declaredMediaType: nil)
        amd64 = Self.stripped(index.manifests[0])
        arm64 = Self.stripped(index.manifests[1])
    }

    private static func stripped(_ entry: Descriptor) -> Descriptor {
        var entry = entry
        entry.annotations = nil
        return entry
    }

    /// Stores an index listing `entries` and returns its descriptor.
    func index(_ entries: [Descriptor]) throws -> Descriptor {
        let bytes = JSONWriter().bytes(ImageIndex(mediaType: MediaType.ociIndex, manifests: entries).json)
        let descriptor = Descriptor(mediaType: MediaType.ociIndex, digest: try sha256(bytes), size: Int64(bytes.count))
        try Data(bytes).write(to: root.appendingPathComponent(descriptor.digest.layoutPath))
        return descriptor
    }

    /// Makes index.json name `top`, tagged latest.
    func setTop(_ top: Descriptor) throws {
        var top = top
        top.annotations = ["org.opencontainers.image.ref.name": "latest"]
        try Data(JSONWriter().bytes(ImageIndex(mediaType: nil, manifests: [top]).json)).write(to: root.appendingPathComponent("index.json"))
    }

    /// `levels` indexes, each listing the next `fanout` times; the last lists amd64's manifest
    /// `fanout` times: fanout^levels paths.
    static func chain(levels: Int, fanout: Int) throws -> FanOutLayout {
        let layout = try FanOutLayout()
        var entries = Array(repeating: layout.amd64, count: fanout)
        var top = layout.amd64
        for _ in 0..<levels {
            top = try layout.index(entries)
            entries = Array(repeating: top, count: fanout)
        }
        try layout.setTop(top)
        return layout
    }

    /// A lists B and C; both list the two platform manifests.
    static func diamond() throws -> FanOutLayout {
        let layout = try FanOutLayout()
        let b = try layout.index([layout.amd64, layout.arm64])
        let c = try layout.index([layout.arm64, layout.amd64])
        try layout.setTop(try layout.index([b, c]))
        return layout
    }
}

@Suite struct FanOutGraphTests {
    @Test func billionsOfPathsAreWalkedOncePerDocument() throws {
        let layout = try FanOutLayout.chain(levels: 6, fanout: 50)  // 50^6 ≈ 1.6e10 paths
        let report = verify(layout.root)
        #expect(report.status == .verified, "\(failures(report))")
        #expect(report.platforms.map(\.description) == ["linux/amd64"])
        // 7 indexes (index.json's entry and 6 levels), 49 repeats in each of 6 listings,
        // one manifest with its config and two layers: distinct documents, not paths.
        let repeats = report.results.filter { $0.sameAs != nil }
        #expect(repeats.count == 6 * 49)
        #expect(report.results.count == 1 + 6 + 6 * 49 + 1 + 3)
        #expect(repeats.last?.sameAs == ["index.json", "manifests[0]", "manifests[0]"])
        // Each distinct blob read once: 6 indexes, the manifest, its config and layers.
        #expect(report.blobCount == 6 + 1 + 1 + 2)

        let image = try ResolvedImage.open(LocalImageReference(path: layout.root.path))
        #expect(image.manifests.count == 1)
        #expect(image.nodes.count == 5 * 50 + 50)
        #expect(image.nodes.filter { $0.sameAs != nil }.count == 6 * 49)
    }

    @Test func aDiamondIsShownOnceWithReferences() throws {
        let layout = try FanOutLayout.diamond()
        let report = verify(layout.root)
        #expect(report.status == .verified)
        let seen = report.results.compactMap { result in result.sameAs.map { "\(result.pathString) = \($0.joined(separator: " › "))" } }
        #expect(seen == [
            "index.json › manifests[0] › manifests[1] › manifests[0] (linux/arm64/v8) = index.json › manifests[0] › manifests[0] › manifests[1] (linux/arm64/v8)",
            "index.json › manifests[0] › manifests[1] › manifests[1] (linux/amd64) = index.json › manifests[0] › manifests[0] › manifests[0] (linux/amd64)",
        ])
        // The layers of each platform are measured once, reported once.
        #expect(report.results.filter { $0.kind == .layer }.count == 4)
        // A platform filtered out is named once, however often it is listed.
        let arm = verify(layout.root) { $0.platforms = [Platform(os: "linux", architecture: "arm64")] }
        #expect(arm.status == .verified)
        #expect(arm.notes == ["skipped by --platform: linux/amd64"])

        let tree = try run(manifoldBinary, ["inspect", "--tree", layout.root.path])
        #expect(tree.status == 0, "\(tree.stderr)")
        #expect(tree.stdout.contains("   └─ linux/amd64  manifest sha256:db85cb76648e  555 B  (see index.json › manifests[0] › manifests[0] › manifests[0] (linux/amd64))"),
                "\(tree.stdout)")
        #expect(tree.stdout.split(separator: "\n").first?.hasSuffix("oci index  tags: latest") == true, "\(tree.stdout)")
        #expect(tree.stdout.hasSuffix("2 platforms, 4 layers, 3.8 kB of config and layers\n"))
        let json = try run(manifoldBinary, ["verify", "--json", layout.root.path])
        #expect(json.stdout.contains("\"sameAs\": \"index.json › manifests[0] › manifests[0] › manifests[0] (linux/amd64)\""))
    }

    @Test func theDescriptorCapFailsWithTheFlagNamed() throws {
        let layout = try FanOutLayout.chain(levels: 2, fanout: 40)
        let capped = verify(layout.root) { $0.limits.descriptors = 50 }
        #expect(capped.status == .failed)
        let limit = capped.failedResults.first
        #expect(limit?.problems.map(\.kind) == [.limit])
        #expect(limit?.pathString == "index.json › manifests[0] › manifests[6]")
        #expect(capped.notes.allSatisfy { !$0.contains("unreferenced") })

        var limits = ImageLimits()
        limits.descriptors = 50
        #expect(errorCode { _ = try ResolvedImage.open(LocalImageReference(path: layout.root.path), limits: limits) } == .limitExceeded)

        for command in [["verify"], ["inspect", "--tree"], ["inspect", "--verbose"], ["pack", "-o", layout.root.path + ".out.tar"]] {
            let result = try run(manifoldBinary, command + ["--max-descriptors", "50", layout.root.path])
            #expect(result.status == 1, "\(command)")
            #expect((result.stdout + result.stderr).contains("more than 50 descriptors (the --max-descriptors limit)"), "\(command): \(result.stderr)")
        }
        // The same image under the default limit.
        #expect(try run(manifoldBinary, ["verify", layout.root.path]).status == 0)
    }

    @Test func aRepeatWhoseEntryContradictsTheConfigFails() throws {
        let layout = try FanOutLayout()
        var liar = layout.amd64
        liar.platform = Platform(os: "linux", architecture: "arm64")
        try layout.setTop(try layout.index([layout.amd64, liar]))
        let report = verify(layout.root)
        #expect(failures(report) == ["index.json › manifests[0] › manifests[1] (linux/arm64): platform"])
    }
}

@Suite struct SharedDocumentTests {
    /// Many distinct manifests sharing one config: it is decoded once and its bytes counted once.
    @Test func aSharedConfigIsReadOnceAndCountedOnce() throws {
        let layout = try FanOutLayout()
        let editor = LayoutEditor(root: layout.root)
        let manifest = try editor.text(layout.amd64.digest.description)
        var entries: [Descriptor] = []
        for n in 0..<30 {
            let bytes = Array(manifest.replacingOccurrences(of: "\"schemaVersion\":2", with: "\"annotations\":{\"n\":\"\(n)\"},\"schemaVersion\":2").utf8)
            let digest = try sha256(bytes)
            try Data(bytes).write(to: layout.root.appendingPathComponent(digest.layoutPath))
            entries.append(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(bytes.count), platform: layout.amd64.platform))
        }
        try layout.setTop(try layout.index(entries))
        let report = verify(layout.root)
        #expect(report.status == .verified, "\(failures(report))")
        #expect(report.blobCount == 1 + 30 + 1 + 2)  // the index, the manifests, one config, two layers
        #expect(report.platforms.count == 1)

        let tree = try run(manifoldBinary, ["inspect", "--tree", layout.root.path])
        #expect(tree.stdout.hasSuffix("\n1 platform, 60 layers, 1.9 kB of config and layers\n"), "\(tree.stdout.suffix(200))")
    }
}
