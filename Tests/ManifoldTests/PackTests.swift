import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

func pack(_ inputs: [String], to output: URL, _ configure: (inout PackOptions) -> Void = { _ in }) throws -> PackResult {
    var options = PackOptions(inputs: try inputs.map { try LocalImageReference(parsing: $0) }, output: output.path)
    configure(&options)
    return try Packer(options: options).pack()
}

func fixture(_ name: String) -> String { ImageFixtures.directory.appendingPathComponent(name).path }

/// The names and contents of every file below a directory, for comparing two outputs.
func tree(_ url: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
    while let file = enumerator?.nextObject() as? URL {
        if (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(file.path.dropFirst(url.path.count))] = try Data(contentsOf: file)
        }
    }
    return files
}

func indexOf(_ image: URL) throws -> ImageIndex {
    let resolved = try ResolvedImage.open(LocalImageReference(path: image.path))
    return try ImageIndex(json: JSONParser.parse(resolved.topBytes), declaredMediaType: nil)
}

@Suite struct PackTests {
    @Test func packsDockerSavesOfEveryGenerationIntoOneIndex() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("multi.tar")
        let result = try pack([fixture("docker-24.tar"), fixture("docker-25.tar")], to: out)
        #expect(result.format == .tar)
        #expect(result.entries.map { $0.platform?.description } == ["linux/amd64", "linux/arm64"])
        #expect(result.index?.mediaType == MediaType.ociIndex)
        let report = verify(out)
        #expect(report.status == .verified, "\(failures(report))")
        #expect(report.platforms.count == 2)
        #expect(report.kind == .ociArchive)
        // The tag names the index in index.json.
        let top = try ResolvedImage.open(LocalImageReference(path: out.path, tag: "latest"))
        #expect(top.topDescriptor?.digest == result.index?.digest)
    }

    @Test func childrenKeepTheirBytesAndDigests() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out")
        let result = try pack([fixture("oci-nested-index")], to: out)
        let input = try ResolvedImage.open(LocalImageReference(path: fixture("oci-nested-index")))
        let inputDigests = Set((input.manifests + input.attestations).map(\.descriptor.digest))
        #expect(Set(result.entries.map(\.descriptor.digest)) == inputDigests)
        let output = try ResolvedImage.open(LocalImageReference(path: out.path))
        for manifest in output.manifests + output.attestations {
            #expect(try DigestHasher.digest(of: manifest.bytes) == manifest.descriptor.digest)
        }
        // The attestation came along, after the platforms.
        #expect(result.entries.last?.isAttestation == true)
    }

    @Test func indexTypeIsOCIUnlessDockerIsAskedFor() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        // Docker children too get an OCI index by default: skopeo finds a tag only on one.
        let byDefault = try pack([fixture("docker-media-types")], to: directory.appendingPathComponent("default"))
        #expect(byDefault.index?.mediaType == MediaType.ociIndex)
        let docker = try pack([fixture("docker-media-types")], to: directory.appendingPathComponent("docker")) { $0.indexType = .docker }
        #expect(docker.index?.mediaType == MediaType.dockerManifestList)
        #expect(errorCode { _ = try pack([fixture("oci-two-platforms")], to: directory.appendingPathComponent("bad")) { $0.indexType = .docker } } == .invalidArgument)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad").path))
    }

    @Test func outputIsReproducibleAndInputOrderDoesNotMatter() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let inputs = [fixture("docker-24.tar"), fixture("docker-25.tar"), fixture("oci-two-platforms") + ":arm64"]
        for format in [PackOptions.Format.tar, .dir] {
            let a = directory.appendingPathComponent("a-\(format)"), b = directory.appendingPathComponent("b-\(format)")
            let c = directory.appendingPathComponent("c-\(format)")
            _ = try pack(inputs, to: a) { $0.format = format; $0.allowDuplicatePlatforms = true }
            _ = try pack(inputs, to: b) { $0.format = format; $0.allowDuplicatePlatforms = true }
            // Another order, keeping the two arm64 duplicates' relative order (the first given
            // is listed first: that is the one rule the order of inputs decides).
            _ = try pack([inputs[1], inputs[0], inputs[2]], to: c) { $0.format = format; $0.allowDuplicatePlatforms = true }
            if format == .tar {
                #expect(try Data(contentsOf: a) == Data(contentsOf: b))
                #expect(try Data(contentsOf: a) == Data(contentsOf: c))
            } else {
                #expect(try tree(a) == tree(b))
                #expect(try tree(a) == tree(c))
            }
        }
    }

    @Test func tarOutputIsDeterministicAtTheByteLevel() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("o.tar")
        _ = try pack([fixture("zstd-layers")], to: out)
        let index = try TarIndex(file: OpenFile(path: out.path))
        let names = index.entries.map(\.name)
        #expect(names == names.sorted())
        #expect(names.first == "blobs")
        #expect(Array(names.suffix(2)) == ["index.json", "oci-layout"])
        // mtime 0, uid/gid 0, fixed modes, no owner names: every header says so.
        let data = try Data(contentsOf: out)
        for entry in index.entries {
            let header = data[(Int(entry.offset) - 512)..<Int(entry.offset)]
            let field = { (range: Range<Int>) in String(decoding: header[header.startIndex + range.lowerBound..<header.startIndex + range.upperBound], as: UTF8.self) }
            #expect(field(136..<147) == "00000000000", "\(entry.name) mtime")
            #expect(field(108..<115) == "0000000" && field(116..<123) == "0000000", "\(entry.name) uid/gid")
            #expect(field(100..<107) == (entry.kind == .directory ? "0000755" : "0000644"), "\(entry.name) mode")
            #expect(header[header.startIndex + 265] == 0 && header[header.startIndex + 297] == 0, "\(entry.name) owner names")
        }
        let written = try ResolvedImage.open(LocalImageReference(path: out.path))
        // JSON: exactly the canonical form (compact, keys sorted, no escaped slashes).
        #expect(written.topBytes == JSONWriter().bytes(try JSONParser.parse(written.topBytes)))
        #expect(!String(decoding: written.topBytes, as: UTF8.self).contains("\\/"))
    }

    @Test func aBadInputBlobWritesNothing() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let broken = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: broken)
        try editor.flipByte(editor.manifestParts(editor.manifestDigest(1)).layers[1])
        for name in ["out.tar", "out"] {
            let out = directory.appendingPathComponent(name)
            do {
                _ = try pack([fixture("docker-24.tar"), broken.path + ":arm64"], to: out)
                Issue.record("packed a corrupt layer")
            } catch let error as ManifoldError {
                #expect(error.code == .digestMismatch)
                #expect(error.message.contains("layers[1]"), "\(error.message)")
            }
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        // No temporary left behind either.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func existingOutputsNeedForceAndSymlinksAreReplacedNotFollowed() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let out = directory.appendingPathComponent("out.tar")
        try Data("precious".utf8).write(to: out)
        #expect(errorCode { _ = try pack([fixture("zstd-layers")], to: out) } == .outputExists)
        #expect(try Data(contentsOf: out) == Data("precious".utf8))
        _ = try pack([fixture("zstd-layers")], to: out) { $0.force = true }
        #expect(verify(out).status == .verified)

        let target = directory.appendingPathComponent("target.txt")
        try Data("target".utf8).write(to: target)
        let link = directory.appendingPathComponent("link.tar")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        #expect(errorCode { _ = try pack([fixture("zstd-layers")], to: link) } == .outputExists)
        _ = try pack([fixture("zstd-layers")], to: link) { $0.force = true }
        #expect(try Data(contentsOf: target) == Data("target".utf8))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == nil)

        // A directory output replaces a directory with --force.
        let dir = directory.appendingPathComponent("layout")
        _ = try pack([fixture("zstd-layers")], to: dir)
        #expect(errorCode { _ = try pack([fixture("plain-layers")], to: dir) } == .outputExists)
        _ = try pack([fixture("plain-layers")], to: dir) { $0.force = true }
        #expect(verify(dir).status == .verified)
    }

    @Test func duplicatePlatformsAndSubsets() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let inputs = [fixture("oci-two-platforms"), fixture("docker-24.tar")]
        do {
            _ = try pack(inputs, to: directory.appendingPathComponent("dup"))
            Issue.record("two amd64 images packed")
        } catch let error as ManifoldError {
            #expect(error.message.contains("two images for linux/amd64"))
        }
        let both = try pack(inputs, to: directory.appendingPathComponent("both")) { $0.allowDuplicatePlatforms = true }
        #expect(both.entries.count == 3)
        // Between entries for one platform, the input given first is listed first, either way round.
        // (An origin names the input, and the tag it was taken under when the input holds several.)
        func amd64Origins(_ result: PackResult) -> [Bool] {
            result.entries.filter { $0.platform?.architecture == "amd64" }.map { $0.origin.hasPrefix(inputs[0]) }
        }
        #expect(amd64Origins(both) == [true, false])
        let reversed = try pack(inputs.reversed(), to: directory.appendingPathComponent("reversed")) { $0.allowDuplicatePlatforms = true }
        #expect(amd64Origins(reversed) == [false, true])
        #expect(try indexOf(directory.appendingPathComponent("reversed")).manifests.first?.digest == reversed.entries.first?.descriptor.digest)
        let arm = try pack(inputs, to: directory.appendingPathComponent("arm")) { $0.platforms = [try! Platform(parsing: "linux/aarch64")] }
        #expect(arm.entries.map { $0.platform?.description } == ["linux/arm64/v8"])
        #expect(errorCode { _ = try pack(inputs, to: directory.appendingPathComponent("none")) { $0.platforms = [try! Platform(parsing: "linux/s390x")] } } == .invalidArgument)
    }

    @Test func overridesFillButDoNotContradict() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let input = fixture("docker-24.tar")
        let filled = try pack([input], to: directory.appendingPathComponent("v2")) {
            $0.overrides = [PlatformOverride(selector: .input(0), field: .variant, value: "v2")]
        }
        #expect(filled.entries.first?.platform?.description == "linux/amd64/v2")
        let contradiction = { (options: inout PackOptions) in
            options.overrides = [PlatformOverride(selector: .input(0), field: .architecture, value: "arm64")]
        }
        #expect(errorCode { _ = try pack([input], to: directory.appendingPathComponent("bad"), contradiction) } == .invalidArgument)
        let forced = try pack([input], to: directory.appendingPathComponent("forced")) { contradiction(&$0); $0.forcePlatform = true }
        #expect(forced.entries.first?.platform?.architecture == "arm64")
        // Selecting by platform.
        let windows = try pack([fixture("foreign-layer")], to: directory.appendingPathComponent("win")) {
            $0.overrides = [PlatformOverride(selector: .platform(Platform(os: "windows", architecture: "amd64")), field: .osFeatures, value: "win32k")]
        }
        #expect(windows.entries.first?.platform?.osFeatures == ["win32k"])
        #expect(windows.entries.first?.platform?.osVersion == "10.0.17763.1879")
        #expect(windows.notes.contains { $0.contains("foreign layer") })
    }

    @Test func annotationsOnTheIndexAndOnEntries() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out")
        _ = try pack([fixture("oci-two-platforms")], to: out) {
            $0.indexAnnotations = ["org.opencontainers.image.source": "https://example.com/app"]
            $0.annotations = [EntryAnnotation(selector: .platform(Platform(os: "linux", architecture: "arm64")), key: "com.example.tier", value: "edge")]
        }
        let index = try indexOf(out)
        #expect(index.annotations == ["org.opencontainers.image.source": "https://example.com/app"])
        #expect(index.manifests.map { $0.annotations?["com.example.tier"] } == [nil, "edge"])
        // The input's tags are not carried into the new index.
        #expect(index.manifests.allSatisfy { $0.referenceName == nil })
    }

    @Test func flatListsManifestsInIndexJSON() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("flat")
        let result = try pack([fixture("docker-24.tar"), fixture("docker-25.tar")], to: out) { $0.flat = true }
        #expect(result.index == nil)
        let indexJSON = try ImageIndex(json: JSONParser.parse(Array(Data(contentsOf: out.appendingPathComponent("index.json")))), declaredMediaType: nil)
        #expect(indexJSON.manifests.map(\.mediaType) == [MediaType.ociManifest, MediaType.ociManifest])
        // Each entry is named, so umoci and skopeo find it by tag.
        #expect(indexJSON.manifests.map(\.referenceName) == ["latest-linux-amd64", "latest-linux-arm64"])
        #expect(result.entries.map(\.tag) == ["latest-linux-amd64", "latest-linux-arm64"])
        #expect(verify(out).status == .verified)
        // One platform takes the tag itself.
        let single = out.deletingLastPathComponent().appendingPathComponent("single")
        _ = try pack([fixture("docker-24.tar")], to: single) { $0.flat = true; $0.tag = "v1.2" }
        let singleJSON = try ImageIndex(json: JSONParser.parse(Array(Data(contentsOf: single.appendingPathComponent("index.json")))), declaredMediaType: nil)
        #expect(singleJSON.manifests.map(\.referenceName) == ["v1.2"])
    }

    @Test func sparseInputsContributeWhatTheyHold() throws {
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar")
        let result = try pack([fixture("containerd-sparse.tar"), fixture("oci-two-platforms") + ":arm64"], to: out)
        #expect(result.entries.map { $0.platform?.description } == ["linux/amd64", "linux/arm64/v8"])
        #expect(result.notes.contains { $0.contains("sparse") })
        #expect(verify(out).status == .verified)
    }

    @Test func linkPlacesVerifiedBlobsWithoutCopying() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let input = try ImageFixtures.copy("oci-two-platforms")
        let out = directory.appendingPathComponent("linked")
        let result = try pack([input.path], to: out) { $0.link = true }
        #expect(result.linked.values.reduce(0, +) == 4)  // the four layers; documents are written
        #expect(verify(out).status == .verified)
        // A corrupt blob is not linked: it fails before anything is placed.
        let editor = LayoutEditor(root: input)
        try editor.flipByte(editor.manifestParts(editor.manifestDigest(0)).layers[0])
        #expect(errorCode { _ = try pack([input.path], to: directory.appendingPathComponent("bad")) { $0.link = true } } == .digestMismatch)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad").path))
    }
}

@Suite struct InspectTests {
    @Test func rawIsTheStoredBytes() throws {
        let image = try ResolvedImage.open(LocalImageReference(path: fixture("oci-nested-index")))
        let digest = try DigestHasher.digest(of: image.topBytes)
        #expect(digest == image.topDescriptor?.digest)
        let result = try run(manifoldBinary, ["inspect", "--raw", fixture("oci-nested-index")])
        #expect(result.status == 0)
        #expect(Array(result.stdout.utf8) == image.topBytes)
    }

    @Test func prettyPrintsLikeDockerManifestInspect() throws {
        let result = try run(manifoldBinary, ["inspect", fixture("docker-media-types")])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.list.v2+json\""))
    }

    @Test func tagsChooseAnImage() throws {
        let arm = try ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms") + ":arm64"))
        #expect(arm.manifests.map { $0.platform?.description } == ["linux/arm64/v8"])
        #expect(!arm.topIsIndex)
        let all = try ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms")))
        #expect(all.manifests.count == 2 && all.topIsIndex && all.topDescriptor == nil)
        #expect(errorCode { _ = try ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms") + ":nope")) } == .invalidArgument)
        let docker = try ResolvedImage.open(try LocalImageReference(parsing: fixture("docker-24.tar") + ":example/app:24"))
        #expect(docker.manifests.first?.synthesized == true)
    }

    static let selections: [(String, [String], String?)] = [
        ("docker-media-types", ["--platform", "linux/arm"], "linux/arm/v7"),
        ("docker-media-types", ["--platform", "linux/armhf"], "linux/arm/v7"),
        ("docker-media-types", ["--platform", "linux/arm/v8"], "linux/arm/v7"),   // a v8 client runs v7
        ("docker-media-types", ["--platform", "linux/arm/v6"], nil),             // a v6 client cannot run v7
        ("docker-media-types", ["--platform", "linux/arm64"], nil),
        ("docker-media-types", ["--platform", "linux/arm64", "--compatible"], "linux/arm/v7"),
        ("docker-media-types", ["--platform", "linux/x86_64"], "linux/amd64"),
        ("oci-nested-index", ["--platform", "linux/aarch64"], "linux/arm64/v8"),
        ("oci-nested-index", ["--platform", "unknown/unknown"], nil),           // attestations never
    ]

    @Test(arguments: selections)
    func selectsWhatAClientWouldRun(_ image: String, _ arguments: [String], _ expected: String?) throws {
        let result = try run(manifoldBinary, ["inspect"] + arguments + [fixture(image)])
        if let expected {
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let platform = (object?["descriptor"] as? [String: Any])?["platform"] as? [String: Any]
            let text = [platform?["os"], platform?["architecture"], platform?["variant"]].compactMap { $0 as? String }.joined(separator: "/")
            #expect(text == expected)
            #expect((object?["manifest"] as? [String: Any])?["layers"] != nil)
        } else {
            #expect(result.status == 2)
            #expect(result.stderr.contains("platforms: "), "\(result.stderr)")
        }
    }

    @Test func treeShowsAttestationsApart() throws {
        let result = try run(manifoldBinary, ["inspect", "--tree", fixture("oci-nested-index")])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("├─ linux/amd64  manifest sha256:") })
        #expect(lines.contains("└─ attestations (never selected)"))
        #expect(lines.last == "2 platforms, 4 layers, 3.8 kB of config and layers")
    }

    @Test func brokenDocumentsAreNotShown() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        try editor.flipByte(editor.manifestDigest(0), at: 3)
        let result = try run(manifoldBinary, ["inspect", copy.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("digest mismatch"))
        #expect(result.stdout.isEmpty)
    }
}

@Suite struct PlatformSelectionTests {
    @Test func firstOfEquallyGoodWins() throws {
        let entries: [Platform?] = [nil, Platform(os: "linux", architecture: "arm", variant: "v6"),
                                    Platform(os: "linux", architecture: "arm", variant: "v7"),
                                    Platform(os: "linux", architecture: "arm", variant: "v7")]
        #expect(PlatformSelection.select(entries, for: try Platform(parsing: "linux/arm/v7")) == 2)
        #expect(PlatformSelection.select(entries, for: try Platform(parsing: "linux/arm/v6")) == 1)
        #expect(PlatformSelection.select(entries, for: try Platform(parsing: "linux/arm/v5")) == nil)
        let amd: [Platform?] = [Platform(os: "linux", architecture: "amd64", variant: "v3"), Platform(os: "linux", architecture: "amd64")]
        #expect(PlatformSelection.select(amd, for: try Platform(parsing: "linux/amd64")) == 1)
        #expect(PlatformSelection.select(amd, for: try Platform(parsing: "linux/amd64/v3")) == 0)
        #expect(PlatformSelection.select([Platform(os: "linux", architecture: "386")], for: try Platform(parsing: "linux/amd64"), compatible: true) == 0)
        #expect(PlatformSelection.select([Platform(os: "linux", architecture: "386")], for: try Platform(parsing: "linux/amd64")) == nil)
        let windows: [Platform?] = [Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.1"),
                                    Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.1")]
        #expect(PlatformSelection.select(windows, for: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.1")) == 1)
    }
}
