import Dispatch
import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// `pull`: verify's checks on the bytes as they are copied, the output only when all passed.
@Suite struct PullTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The hidden temporaries (outputs and staging) beside the outputs in `directory`.
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".manifold-") }.sorted()
    }

    func pull(_ source: String, _ out: String, _ extra: [String] = []) throws -> RunResult {
        try run(manifoldBinary, ["pull", source, "-o", out] + extra)
    }

    // MARK: what is written

    /// Every blob as the source holds it, and index.json lists the same images.
    @Test(arguments: ["oci-two-platforms", "oci-nested-index", "zstd-layers", "foreign-layer"])
    func aPulledLayoutHoldsTheSourcesBlobsAsTheyAre(_ name: String) throws {
        let out = path("out")
        let result = try pull(fixture(name), out)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("pulled into \(out) (OCI layout)"))
        let source = URL(fileURLWithPath: fixture(name))
        let written = try tree(URL(fileURLWithPath: out))
        for (file, bytes) in written where file.hasPrefix("/blobs/") {
            #expect(try Data(contentsOf: source.appendingPathComponent(String(file.dropFirst()))) == bytes, "\(file)")
        }
        #expect(try rootEntries(URL(fileURLWithPath: out)).map(\.digest) == rootEntries(source).map(\.digest))
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
        #expect(try leftovers() == [])
    }

    /// The same blobs, byte for byte, as `skopeo copy --all` of the same image.
    @Test func aPullHasTheBlobsSkopeoCopies() throws {
        let source = fixture("oci-two-platforms")
        let out = path("pulled"), skopeo = path("skopeo")
        #expect(try pull("\(source):amd64", out).status == 0)
        _ = try shell("skopeo copy -q --all 'oci:\(source):amd64' 'oci:\(skopeo):amd64'")
        let ours = try tree(URL(fileURLWithPath: out)).filter { $0.key.hasPrefix("/blobs/") }
        let theirs = try tree(URL(fileURLWithPath: skopeo)).filter { $0.key.hasPrefix("/blobs/") }
        #expect(ours == theirs)
        // skopeo reads the tag the pull kept.
        _ = try shell("skopeo inspect --raw 'oci:\(out):amd64' >/dev/null")
    }

    /// An oci-archive pack wrote, pulled to an oci-archive, is the same file: same members,
    /// same order, same bytes.
    @Test func aPulledArchiveOfAPackIsByteIdenticalToIt() throws {
        let packed = path("packed.tar"), pulled = path("pulled.tar")
        let packing = try run(manifoldBinary, ["pack", "-o", packed, "--tag", "1.0", fixture("oci-two-platforms")])
        #expect(packing.status == 0, "\(packing.stderr)")
        let result = try pull(packed, pulled)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: packed)) == Data(contentsOf: URL(fileURLWithPath: pulled)))
        // OUT:TAG renames the image; nothing else changes.
        let renamed = try pull(packed, path("renamed.tar") + ":2.0")
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(try run(manifoldBinary, ["verify", "-q", path("renamed.tar") + ":2.0"]).status == 0)
    }

    // MARK: --platform

    /// The nested index lists amd64, arm64 and an attestation: with --platform linux/amd64 it
    /// is rewritten to list the amd64 manifest only, whose digest does not change.
    @Test func platformRewritesTheIndexAndKeepsManifestDigests() throws {
        let out = path("amd64.tar")
        let result = try pull(fixture("oci-nested-index"), out, ["--platform", "linux/amd64"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("dropped by --platform: linux/arm64/v8"))
        #expect(result.stdout.contains("rewritten without them"))
        let image = try ResolvedImage.open(LocalImageReference(path: out))
        let source = try ResolvedImage.open(LocalImageReference(path: fixture("oci-nested-index")))
        #expect(image.manifests.map(\.platform?.description) == ["linux/amd64"])
        let kept = try #require(source.manifests.first { $0.platform?.description == "linux/amd64" })
        #expect(image.manifests.first?.descriptor.digest == kept.descriptor.digest)
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)
        // One platform of an index.json that lists manifests itself: no index to rewrite.
        let arm = try pull(fixture("oci-two-platforms"), path("arm"), ["--platform", "linux/arm64"])
        #expect(arm.status == 0, "\(arm.stderr)")
        #expect(try rootEntries(URL(fileURLWithPath: path("arm"))).map { $0.platform?.architecture } == ["arm64"])
        // A platform the image does not have: verify's words, exit 2, nothing written.
        let none = try pull(fixture("oci-two-platforms"), path("none"), ["--platform", "linux/s390x"])
        #expect(none.status == 2)
        #expect(none.stdout.contains("no platform in"))
        #expect(!FileManager.default.fileExists(atPath: path("none")))
    }

    // MARK: failures leave nothing

    enum Corruption: String, CaseIterable {
        case digest, size, diffID, decompression
    }

    /// Each broken layer fails the pull (exit 1) with the descriptor named, and nothing is
    /// written, under either output format.
    @Test(arguments: Corruption.allCases, ["out.tar", "out"])
    func aCorruptLayerFailsThePullAndWritesNothing(_ corruption: Corruption, _ name: String) throws {
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: layout)
        let (config, layers) = try editor.manifestParts(editor.manifestDigest(0))
        var named = layers[0]
        switch corruption {
        case .digest:
            try editor.flipByte(layers[0])
        case .size:
            let url = editor.blobURL(layers[0])
            var data = try Data(contentsOf: url)
            data.append(0)
            try data.write(to: url)
        case .diffID:
            try editor.rewrite(config, breakingFirstDiffID)
        case .decompression:
            // A truncated gzip stream that is exactly what the (re-pointed) descriptor names.
            let old = try Data(contentsOf: editor.blobURL(layers[0]))
            let broken = old.prefix(old.count / 2)
            let digest = try sha256(Array(broken)).description
            try broken.write(to: editor.blobURL(digest))
            try editor.repointParents(from: layers[0], size: old.count, to: digest, size: broken.count)
            named = digest
        }
        let out = path(name)
        let result = try pull(layout.path, out)
        #expect(result.status == 1, "\(corruption): \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("layers[0]"))
        #expect(result.stdout.contains(String(named.dropFirst(7).prefix(12))))
        #expect(result.stdout.contains("nothing written to \(out)"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try leftovers() == [])
    }

    // MARK: --force

    @Test func anExistingOutputIsReplacedOnlyWithForce() throws {
        let out = path("out.tar")
        #expect(try pull(fixture("oci-two-platforms"), out).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let refused = try pull(fixture("zstd-layers"), out)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("exists; give --force to replace it"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
        // A failing pull with --force leaves the old output alone.
        let layout = try ImageFixtures.copy("zstd-layers")
        let editor = LayoutEditor(root: layout)
        try editor.flipByte(editor.manifestParts(editor.manifestDigest(0)).layers[0])
        #expect(try pull(layout.path, out, ["--force"]).status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
        #expect(try pull(fixture("zstd-layers"), out, ["--force"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) != before)
        // --force replaces only what pull writes: not a directory with a tar, not a non-layout.
        try FileManager.default.createDirectory(atPath: path("plain"), withIntermediateDirectories: true)
        let notLayout = try pull(fixture("zstd-layers"), path("plain"), ["--force"])
        #expect(notLayout.status == 2)
        #expect(try leftovers() == [])
    }

    // MARK: the report

    /// --json is verify's JSON of the source (timings aside) with an `output` member.
    @Test func jsonIsVerifysJSONPlusTheOutput() throws {
        let source = fixture("oci-two-platforms")
        let verified = try run(manifoldBinary, ["verify", "--json", source])
        let pulled = try pull(source, path("out.tar"), ["--json"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        func timeless(_ json: [String: Any]) -> NSDictionary {
            var json = json
            json["images"] = (json["images"] as? [[String: Any]])?.map { image in
                var image = image
                var summary = image["summary"] as? [String: Any] ?? [:]
                summary["seconds"] = nil
                image["summary"] = summary
                return image
            }
            return json as NSDictionary
        }
        var ours = try object(pulled.stdout)
        let output = try #require(ours.removeValue(forKey: "output") as? [String: Any])
        #expect(timeless(ours) == timeless(try object(verified.stdout)))
        #expect(output["path"] as? String == path("out.tar"))
        #expect(output["format"] as? String == "tar")
        #expect((output["roots"] as? [Any])?.count == 2)
        #expect(output["blobs"] as? Int == 8)
        // A failed pull: `output` is null.
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: layout)
        try editor.flipByte(editor.manifestParts(editor.manifestDigest(1)).layers[1])
        // A layer longer than its descriptor: the same words as verify's (the file is
        // measured whole, though only its declared size is copied).
        let longer = editor.blobURL(try editor.manifestParts(editor.manifestDigest(0)).layers[0])
        var data = try Data(contentsOf: longer)
        data.append(contentsOf: [UInt8](repeating: 7, count: 3 << 20))
        try data.write(to: longer)
        let failed = try pull(layout.path, path("failed"), ["--json"])
        #expect(failed.status == 1)
        var failedJSON = try object(failed.stdout)
        #expect(failedJSON.removeValue(forKey: "output") is NSNull)
        #expect(timeless(failedJSON) == timeless(try object(try run(manifoldBinary, ["verify", "--json", layout.path]).stdout)))
    }

    // MARK: sources

    /// (Registry sources: RegistryCommandTests.pullWritesWhatSkopeoPullsAndNothingWhenTampered.)
    @Test func unsupportedSourcesExitTwo() throws {
        let docker = try pull(fixture("docker-24.tar"), path("d"))
        #expect(docker.status == 2)
        #expect(docker.stderr.contains("pull from a docker save archive is not supported yet"))
        let stdout = try pull(fixture("oci-two-platforms"), "-")
        #expect(stdout.status == 2)
        #expect(stdout.stderr.contains("not standard output"))
        #expect(try leftovers() == [])
    }

    // MARK: any provider

    /// A provider streaming odd-sized chunks gives the same output as the files do.
    @Test(arguments: [1, 7, 4097, (1 << 20) + 3])
    func aChunkStreamingProviderPullsAsTheLayoutDoes(_ chunk: Int) throws {
        let layout = URL(fileURLWithPath: fixture("oci-two-platforms"))
        var options = PullOptions(output: path("chunks.tar"))
        options.verify.jobs = 3
        let result = try ImagePuller(options: options).pull(try MemoryProvider(layout: layout, chunk: chunk))
        #expect(result.report.status == .verified, "\(failures(result.report))")
        #expect(result.output == path("chunks.tar"))
        #expect(try pull(layout.path, path("files.tar")).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("chunks.tar"))) == Data(contentsOf: URL(fileURLWithPath: path("files.tar"))))
    }

    /// An oci-archive is written once: the temporary tar is laid out whole (its final size)
    /// before the first blob is read, each blob goes straight into it, and nothing is staged
    /// beside it. What it holds is what a layout pull writes, file for file.
    @Test func anArchivePullWritesEachBlobOnceIntoTheTar() throws {
        let layout = URL(fileURLWithPath: fixture("oci-two-platforms"))
        let out = path("once.tar"), directory = directory
        let seen = Locked<[(staged: Int, temporaryTar: UInt64?)]>([])
        let provider = try MemoryProvider(layout: layout, chunk: 4096) {
            seen.withLock { $0.append(temporaries(beside: directory)) }
        }
        var options = PullOptions(output: out)
        options.verify.jobs = 2
        let result = try ImagePuller(options: options).pull(provider)
        #expect(result.report.status == .verified, "\(failures(result.report))")
        let size = try #require(FileManager.default.attributesOfItem(atPath: out)[.size] as? NSNumber).uint64Value
        let observed = seen.withLock { $0 }
        #expect(observed.count >= 4)   // every layer and config read to its end
        for observation in observed {
            #expect(observation.staged == 0)
            #expect(observation.temporaryTar == size)
        }
        #expect(try leftovers() == [])
        #expect(try pull(layout.path, path("layout")).status == 0)
        let unpacked = path("unpacked")
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        _ = try shell("tar -xf '\(out)' -C '\(unpacked)'")
        #expect(try tree(URL(fileURLWithPath: unpacked)) == tree(URL(fileURLWithPath: path("layout"))))
    }

    /// When the output cannot be laid out before the blobs are read (a tag for a source of
    /// two images), the pull says why after verifying, as before, and leaves nothing.
    @Test func anArchiveThatCannotBeLaidOutLeavesNothing() throws {
        let out = path("two.tar")
        let result = try pull(fixture("oci-two-platforms"), out, ["--tag", "one"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("name one (SOURCE:TAG or SOURCE@DIGEST) to give it a tag"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try leftovers() == [])
    }

    /// A bare registry reference whose registry cannot even be set up (a CA in --cert-dir
    /// that cannot be read) gets that error, not a missing file's.
    @Test func aBareReferenceSaysWhyItsRegistryCannotBeUsed() throws {
        let certs = path("certs")
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: certs + "/ca.crt", withDestinationPath: path("gone.crt"))
        let result = try pull("127.0.0.1:9/team/app:v1", path("out.tar"), ["--cert-dir", certs])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("ca.crt: cannot read the CA certificate"), "\(result.stderr)")
        #expect(!result.stderr.contains("app:v1: cannot open"))
        #expect(!FileManager.default.fileExists(atPath: path("out.tar")))
    }

    /// A layer of a few MiB streamed in pieces of mixed sizes, small ones gathered and large
    /// ones written through: the tar holds its bytes in order, as a pull from the files does.
    @Test func mixedChunkSizesKeepABlobsBytesInOrder() throws {
        let layout = try largeLayerLayout(in: directory)
        let provider = try MemoryProvider(layout: layout, chunk: 1000, pattern: [1000, 700_000, 3, 600_000, 65_536])
        let result = try ImagePuller(options: PullOptions(output: path("mixed.tar"))).pull(provider)
        #expect(result.report.status == .verified, "\(failures(result.report))")
        #expect(try pull(layout.path, path("files.tar")).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("mixed.tar"))) == Data(contentsOf: URL(fileURLWithPath: path("files.tar"))))
        #expect(try run(manifoldBinary, ["verify", "-q", path("mixed.tar")]).status == 0)
    }

    /// A stream that fails mid-blob: the image cannot be used (as verify says), nothing written.
    @Test func aProviderFailingMidBlobWritesNothing() throws {
        let layout = URL(fileURLWithPath: fixture("oci-two-platforms"))
        let provider = try MemoryProvider(layout: layout, chunk: 100, failing: true)
        let result = try ImagePuller(options: PullOptions(output: path("out"))).pull(provider)
        #expect(result.report.status == .unusable)
        #expect(result.output == nil)
        let failed = result.report.results.filter { $0.status == .failed }
        #expect(!failed.isEmpty && failed.allSatisfy { $0.kind == .layer || $0.kind == .config })
        #expect(failed.flatMap(\.problems).contains { $0.message.contains("connection reset") })
        #expect(!FileManager.default.fileExists(atPath: path("out")))
        #expect(try leftovers() == [])
    }

    /// A stream longer than its descriptor says is not read to its end (it has none): the
    /// copy stops past the declared size and the blob fails its size check.
    @Test func anEndlessStreamIsCutAtItsDescriptorsSize() throws {
        let layout = URL(fileURLWithPath: fixture("oci-two-platforms"))
        let provider = try MemoryProvider(layout: layout, chunk: 4096, endless: true)
        let result = try ImagePuller(options: PullOptions(output: path("out.tar"))).pull(provider)
        #expect(result.report.status == .failed)
        #expect(result.report.failedResults.flatMap(\.problems).contains { $0.kind == .size })
        #expect(!FileManager.default.fileExists(atPath: path("out.tar")))
    }

    // MARK: stopping

    /// Cancelled from its own progress, once bytes are measured and its staging (or temporary
    /// tar) is on disk: not from a loop polling for it, which waits for a cooperative thread
    /// that other tests' blocking work may hold for longer than the pull takes (seen under
    /// AddressSanitizer in CI: the pull ended, 19 s later, before the first poll).
    @Test(arguments: ["out.tar", "out"])
    func aPullCancelledMidLayerLeavesNothing(_ name: String) async throws {
        let input = try sparseLayerLayout(in: directory)
        let out = path(name), directory = self.directory
        let staged = LockedBox(false)
        let running = LockedBox<Task<PullResult, any Error>?>(nil)
        let task = Task {
            try await ImagePuller(options: PullOptions(output: out)).pull(
                try LocalImageReference(parsing: input).open(limits: ImageLimits()),
                progress: { done, _ in
                    guard done > 0, !staged.value,
                          (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
                              .contains(where: { $0.hasPrefix(".\(name).manifold-") }) == true else { return }
                    staged.value = true
                    running.value?.cancel()
                })
        }
        running.value = task
        if staged.value { task.cancel() }
        let outcome = await task.result
        #expect(staged.value, "pull did not start staging")
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(try leftovers() == [])
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func anInterruptedPullRemovesWhatItWrote() throws {
        let input = try sparseLayerLayout(in: directory)
        let out = path("out.tar")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["pull", input, "-o", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = false
        for _ in 0..<400 where !started {
            started = try leftovers().contains { $0.hasPrefix(".out.tar.manifold-\(process.processIdentifier)-") }
            if !started { usleep(25_000) }
        }
        #expect(started, "pull did not start staging")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(try leftovers() == [])
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// index.json's entries of a layout directory.
private func rootEntries(_ layout: URL) throws -> [Descriptor] {
    let bytes = Array(try Data(contentsOf: layout.appendingPathComponent("index.json")))
    return try ImageIndex(json: JSONParser.parse(bytes), declaredMediaType: nil).manifests
}

/// An OCI layout served from memory through the public provider protocol, its blobs as
/// chunks of `chunk` bytes; `failing`: every layer's stream breaks after its first chunk;
/// `endless`: every layer's stream never ends.
private final class MemoryProvider: ContentProvider {
    let index: [UInt8]
    let blobs: [Digest: [UInt8]]
    let chunk: Int
    let failing: Bool
    let endless: Bool
    /// Called as each blob's stream ends, every byte of it handed over.
    let ended: (@Sendable () -> Void)?
    var location: String { "memory" }

    /// Chunk sizes taken in turn, instead of `chunk` each time.
    let pattern: [Int]

    init(layout: URL, chunk: Int, pattern: [Int] = [], failing: Bool = false, endless: Bool = false, ended: (@Sendable () -> Void)? = nil) throws {
        var blobs: [Digest: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: layout.appendingPathComponent("blobs/sha256").path) {
            blobs[try Digest(parsing: "sha256:" + name)] = Array(try Data(contentsOf: layout.appendingPathComponent("blobs/sha256/" + name)))
        }
        self.blobs = blobs
        self.chunk = chunk
        self.failing = failing
        self.endless = endless
        self.ended = ended
        self.pattern = pattern
        index = Array(try Data(contentsOf: layout.appendingPathComponent("index.json")))
    }

    func roots() throws -> [ContentRoot] { [.index] }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        root == .index ? index : nil
    }

    /// Documents whole (as a registry's manifests come); blobs streamed.
    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        blobs[descriptor.digest]
    }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        guard let bytes = blobs[descriptor.digest] else { return nil }
        let chunk = chunk, failing = failing, endless = endless, ended = ended, pattern = pattern
        return StoredFile(path: "memory/\(descriptor.digest)", size: UInt64(bytes.count), identity: descriptor.digest.description) {
            MemoryStream(bytes: bytes, chunk: chunk, failing: failing, endless: endless, ended: ended, pattern: pattern)
        }
    }
}

private struct MemoryStream: BlobChunkIterator {
    let bytes: [UInt8]
    let chunk: Int
    let failing: Bool
    let endless: Bool
    let ended: (@Sendable () -> Void)?
    let pattern: [Int]
    var offset = 0
    var turn = 0

    mutating func next() throws -> [UInt8]? {
        if failing && offset > 0 { throw StreamBroke() }
        if endless { offset += chunk; return [UInt8](repeating: 0x5a, count: chunk) }
        guard offset < bytes.count else {
            ended?()
            return nil
        }
        let size = pattern.isEmpty ? chunk : pattern[turn % pattern.count]
        turn += 1
        let end = min(offset + size, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// An OCI layout of one image whose only layer is an uncompressed tar of 3 MB of random bytes.
private func largeLayerLayout(in directory: URL) throws -> URL {
    let root = directory.appendingPathComponent("large")
    let blobs = root.appendingPathComponent("blobs/sha256")
    try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
    let work = directory.appendingPathComponent("large-work")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    _ = try shell("cd '\(work.path)' && head -c 3000000 /dev/urandom > data && tar --mtime=@0 --owner=0 --group=0 -cf layer.tar data")
    func put(_ bytes: [UInt8]) throws -> (String, Int) {
        let digest = try sha256(bytes)
        try Data(bytes).write(to: blobs.appendingPathComponent(digest.encoded))
        return (digest.description, bytes.count)
    }
    let (layer, layerSize) = try put(Array(try Data(contentsOf: work.appendingPathComponent("layer.tar"))))
    let (config, configSize) = try put(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layer)"]}}"#.utf8))
    let (manifest, manifestSize) = try put(Array("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":\(configSize)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(layer)","size":\(layerSize)}]}
        """.utf8))
    try Data(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifest)","size":\#(manifestSize)}]}"#.utf8)
        .write(to: root.appendingPathComponent("index.json"))
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    try FileManager.default.removeItem(at: work)
    return root
}

/// Beside a pull's output in `directory`: how many files its staging directories hold, and
/// the size of its temporary tar (nil when there is none).
private func temporaries(beside directory: URL) -> (staged: Int, temporaryTar: UInt64?) {
    let manager = FileManager.default
    var staged = 0
    var tar: UInt64?
    for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] where name.contains(".manifold-") {
        let path = directory.appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
            staged += ((try? manager.contentsOfDirectory(atPath: path)) ?? []).count
        } else {
            tar = (try? manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value
        }
    }
    return (staged, tar)
}

private struct StreamBroke: Error, CustomStringConvertible {
    var description: String { "connection reset by peer" }
}
