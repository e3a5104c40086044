import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// A wide layout — many tagged images of small gzip layers, some shared, a few larger than a
/// chunk — as a mirror or an air-gap bundle holds: every blob is measured right whichever
/// path it takes (inline or pipeline, any worker), and the summary counts images and
/// platforms as they are.
@Suite struct WideLayoutTests {
    static let images = 24

    /// `images` tagged linux/amd64 images of 4 gzip layers: layers 0–1 shared with the image
    /// before (as images built FROM one base), 2–3 their own; every sixth image's layer 3 is
    /// larger than a 1 MiB chunk, so the pipeline runs beside the inline measurements.
    static func layout(breaking broken: Int? = nil) throws -> URL {
        let root = try ImageFixtures.temporaryDirectory().appendingPathComponent("wide")
        let blobs = root.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        func add(_ bytes: [UInt8]) throws -> (digest: String, size: Int) {
            let digest = try sha256(bytes).description
            try Data(bytes).write(to: blobs.appendingPathComponent(String(digest.dropFirst("sha256:".count))))
            return (digest, bytes.count)
        }
        func layer(_ seed: Int, large: Bool = false) throws -> (json: String, diffID: String) {
            var content = layerLikeBytes(count: 2_000 + seed * 97, seed: UInt64(seed))
            if large {
                // Noise: it stays over a chunk gzipped.
                var state = UInt64(seed)
                content = (0..<(3 << 19)).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return UInt8(truncatingIfNeeded: state >> 33)
                }
            }
            let stored = try add(gzipCompress(content))
            return ("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"\(stored.digest)\",\"size\":\(stored.size)}",
                    try sha256(content).description)
        }
        var entries: [String] = []
        for image in 0..<images {
            var layers = [try layer(1000 + image / 2 * 2), try layer(1001 + image / 2 * 2)]
            layers += [try layer(image * 2), try layer(image * 2 + 1, large: image % 6 == 5)]
            let diffIDs = layers.map { "\"\(image == broken ? String($0.diffID.dropLast()) + "0" : $0.diffID)\"" }
            let config = try add(Array("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/app-\(image)\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\(diffIDs.joined(separator: ","))]}}".utf8))
            let manifest = try add(Array("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"\(config.digest)\",\"size\":\(config.size)},\"layers\":[\(layers.map(\.json).joined(separator: ","))]}".utf8))
            entries.append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"\(manifest.digest)\",\"size\":\(manifest.size),\"annotations\":{\"org.opencontainers.image.ref.name\":\"app-\(image)\"}}")
        }
        try Data("{\"imageLayoutVersion\":\"1.0.0\"}".utf8).write(to: root.appendingPathComponent("oci-layout"))
        try Data("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[\(entries.joined(separator: ","))]}".utf8)
            .write(to: root.appendingPathComponent("index.json"))
        return root
    }

    @Test func everyBlobIsMeasuredAndTheSummaryCountsImages() throws {
        let layout = try Self.layout()
        let sizes = try FileManager.default.contentsOfDirectory(atPath: layout.path + "/blobs/sha256").map {
            try FileManager.default.attributesOfItem(atPath: layout.path + "/blobs/sha256/" + $0)[.size] as? Int ?? 0
        }
        #expect(sizes.filter { $0 > BlobReader.defaultChunkSize }.count == Self.images / 6, "layers for the pipeline")
        for jobs in [1, 3] {
            let report = verify(layout) { $0.jobs = jobs }
            #expect(report.status == .verified, "\(failures(report))")
            #expect(report.images == Self.images)
            #expect(report.platforms.map(\.description) == ["linux/amd64"])
            // 24 manifests, 24 configs, 48 own layers and 24 shared ones.
            #expect(report.blobCount == Self.images * 5)
        }
        let text = try run(manifoldBinary, ["verify", "--quiet", layout.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains(": \(Self.images) images, 1 platform, \(Self.images * 5) blobs, "), "\(text.stdout)")
    }

    /// Packing the 24 linux/amd64 images (duplicates allowed) counts them as verify does:
    /// 24 images of 1 platform, not 24 platforms.
    @Test func packsSummaryCountsImagesAndPlatforms() throws {
        let layout = try Self.layout()
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("wide.tar").path
        let pack = try run(manifoldBinary, ["pack", "--allow-duplicate-platforms", "-o", out, layout.path])
        #expect(pack.status == 0, "\(pack.stderr)")
        #expect(pack.stdout.split(separator: "\n").last?.hasPrefix("\(Self.images) images, 1 platform, ") == true, "\(pack.stdout)")
    }

    /// What a wide image costs per blob, where a user sees it: a layer that many images share
    /// is located once and every document read once (a provider that counts the calls), and
    /// the blobs are opened as they are measured, not all held open by the walk, so the image
    /// verifies under a descriptor limit far below its blob count (it was UNUSABLE, "Too many
    /// open files", under the common limit of 1,024 with a mirror of 2,000 blobs; so was pack).
    @Test func eachBlobIsLocatedOnceAndOpenedOnlyToBeMeasured() throws {
        let layout = try Self.layout()
        let counting = CountingProvider(base: try LocalContent.open(layout.path))
        let report = Verifier().verify(counting)
        #expect(report.status == .verified, "\(failures(report))")
        let blobs = counting.calls.withLock { $0.blobs }
        let documents = counting.calls.withLock { $0.documents }
        // 48 own layers and 24 shared ones, each shared by two images: 72 distinct layers.
        #expect(blobs.count == Self.images * 3)
        #expect(blobs.values.allSatisfy { $0 == 1 }, "\(blobs.filter { $0.value > 1 })")
        // A manifest and a config per image, each read once.
        #expect(documents.count == Self.images * 2)
        #expect(documents.values.allSatisfy { $0 == 1 }, "\(documents.filter { $0.value > 1 })")

        let limited = try run("/bin/sh", ["-c", "ulimit -n 40 && exec \"$0\" verify --quiet \"$1\"", manifoldBinary, layout.path])
        #expect(limited.status == 0, "\(limited.stdout)\(limited.stderr)")
        #expect(limited.stdout.contains(": \(Self.images) images, 1 platform, \(Self.images * 5) blobs, "), "\(limited.stdout)")
        // Pack holds every blob of the plan until it writes them: opened as written, too.
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("wide.tar").path
        let pack = try run("/bin/sh", ["-c", "ulimit -n 40 && exec \"$0\" pack --allow-duplicate-platforms -o \"$1\" \"$2\"",
                                       manifoldBinary, out, layout.path])
        #expect(pack.status == 0, "\(pack.stdout)\(pack.stderr)")
        #expect(pack.stdout.split(separator: "\n").last?.hasPrefix("\(Self.images) images, 1 platform, ") == true, "\(pack.stdout)")
    }

    /// A wrong diff_id in one image among many is found, whichever worker measured the layer.
    @Test func aWrongDiffIDAmongManyIsFound() throws {
        let layout = try Self.layout(breaking: 7)
        let report = verify(layout)
        #expect(report.status == .failed)
        let failed = failures(report)
        #expect(!failed.isEmpty)
        #expect(failed.allSatisfy { $0.contains("manifests[7]") }, "\(failed)")
    }
}

/// A provider that passes everything to `base` and counts, per digest, the blobs located and
/// the documents read: what the walk asks of a provider, however the blobs are then read.
private final class CountingProvider: ContentProvider, @unchecked Sendable {
    struct Calls {
        var blobs: [Digest: Int] = [:]
        var documents: [Digest: Int] = [:]
    }

    let base: any ContentProvider
    /// `@unchecked Sendable`: `calls` is only touched under its lock, `base` is Sendable.
    let calls = Locked(Calls())

    init(base: any ContentProvider) {
        self.base = base
    }

    var location: String { base.location }
    var kind: ImageSourceKind? { base.kind }
    func roots() throws -> [ContentRoot] { try base.roots() }
    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? { try base.root(root, limit: limit) }
    func file(at path: String) throws -> StoredFile? { try base.file(at: path) }
    func blobPaths() throws -> [String]? { try base.blobPaths() }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        calls.withLock { $0.blobs[descriptor.digest, default: 0] += 1 }
        return try base.blob(descriptor)
    }

    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        calls.withLock { $0.documents[descriptor.digest, default: 0] += 1 }
        return try base.document(descriptor, limit: limit)
    }
}
