import Foundation
import Testing
@testable import Manifold

/// Images made by umoci, skopeo and buildah go in; what comes out is read by
/// oci-image-tool, skopeo and a real docker-registry. Content is unique per run, so skopeo's
/// blob cache cannot substitute blobs it saw in another run.
@Suite(.serialized) struct InteropTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    /// An OCI layout made by umoci, its config set to `architecture`, tagged `tag`.
    func umociImage(_ name: String, architecture: String) throws -> String {
        let layout = directory.appendingPathComponent(name).path
        let content = directory.appendingPathComponent("\(name)-content/app")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try Data(layerLikeBytes(count: 200_000, seed: UInt64.random(in: 1...UInt64.max))).write(to: content.appendingPathComponent("data"))
        _ = try shell("""
            umoci init --layout '\(layout)' && umoci new --image '\(layout):v1' &&
            umoci insert --image '\(layout):v1' '\(content.path)' /app &&
            umoci config --image '\(layout):v1' --architecture \(architecture) --os linux &&
            umoci gc --layout '\(layout)'
            """)
        return layout
    }

    @Test(.requires(.umoci, .skopeo, .buildah)) func packsWhatUmociSkopeoAndBuildahMake() throws {
        let amd = try umociImage("amd", architecture: "amd64")
        let arm = try umociImage("arm", architecture: "arm64")
        let armv7 = try umociImage("armv7", architecture: "arm")
        let dockerArchive = directory.appendingPathComponent("arm.docker.tar").path
        let ociArchive = directory.appendingPathComponent("armv7.oci.tar").path
        _ = try shell("skopeo copy -q 'oci:\(arm):v1' 'docker-archive:\(dockerArchive):example/arm:v1'")
        _ = try shell("skopeo copy -q 'oci:\(armv7):v1' 'oci-archive:\(ociArchive):v1'")

        // umoci layout + skopeo docker-archive + skopeo oci-archive, one override.
        let out = directory.appendingPathComponent("multi.tar").path
        let packed = try run(manifoldBinary, ["pack", "-o", out, "\(amd):v1", dockerArchive, ociArchive, "--variant", "\(ociArchive)=v7"])
        #expect(packed.status == 0, "\(packed.stderr)")
        let tree = try run(manifoldBinary, ["inspect", "--tree", out])
        #expect(tree.stdout.contains("├─ linux/amd64  manifest"))
        #expect(tree.stdout.contains("linux/arm64  manifest"))
        #expect(tree.stdout.contains("linux/arm/v7  manifest"), "\(tree.stdout)")
        #expect(try run(manifoldBinary, ["verify", "-q", out]).status == 0)

        // buildah: manifest create/add/push --all, then that multi-arch archive as an input.
        let buildahOut = directory.appendingPathComponent("buildah.tar").path
        let list = "manifold-test-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try shell("""
            buildah manifest create \(list) >/dev/null &&
            buildah manifest add \(list) 'oci:\(amd):v1' >/dev/null &&
            buildah manifest add \(list) 'oci:\(arm):v1' >/dev/null &&
            buildah manifest push -q --all \(list) 'oci-archive:\(buildahOut):latest' &&
            buildah manifest rm \(list) >/dev/null
            """)
        let merged = directory.appendingPathComponent("merged").path
        let mergedResult = try run(manifoldBinary, ["pack", "-o", merged, buildahOut, ociArchive])
        #expect(mergedResult.status == 0, "\(mergedResult.stderr)")
        let platforms = try ResolvedImage.open(LocalImageReference(path: merged)).manifests.compactMap { $0.platform?.description }
        #expect(platforms == ["linux/amd64", "linux/arm", "linux/arm64"])
    }

    @Test(.requires(.umoci, .skopeo, .ociImageTool, .dockerRegistry)) func outputIsAcceptedByOciImageToolSkopeoAndARegistry() throws {
        let amd = try umociImage("amd", architecture: "amd64")
        let arm = try umociImage("arm", architecture: "arm64")
        let archive = directory.appendingPathComponent("multi.tar").path
        let layout = directory.appendingPathComponent("multi").path
        let flat = directory.appendingPathComponent("flat").path
        for (output, extra) in [(archive, ["--tag", "v2"]), (layout, []), (flat, ["--flat"])] {
            let result = try run(manifoldBinary, ["pack", "-o", output, "\(amd):v1", "\(arm):v1"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
        }

        // oci-image-tool 1.0.0-rc1 validates layout directories (its tar reader fails on every
        // tar, skopeo's own included), and does not descend into a nested index: --flat lets it
        // check every manifest, config and layer.
        for output in [layout, flat] {
            let validated = try run("/bin/sh", ["-c", "oci-image-tool validate --type image '\(output)'"])
            #expect(validated.status == 0, "\(output): \(validated.stderr)")
        }

        // skopeo reads the archive and its tag; the index is our bytes.
        let ours = try run(manifoldBinary, ["inspect", "--raw", archive])
        let skopeoRaw = try shell("skopeo inspect --raw 'oci-archive:\(archive):v2'")
        #expect(skopeoRaw == ours.stdout)

        // Into a real registry and back, byte for byte.
        let registry = try TestRegistry(in: directory)
        let target = registry.reference("manifold/multi:v2")
        let copied = try run("/bin/sh", ["-c", "skopeo copy -q --all --dest-tls-verify=false 'oci-archive:\(archive):v2' '\(target)'"])
        #expect(copied.status == 0, "\(copied.stderr)")
        let fromRegistry = try shell("skopeo inspect --raw --tls-verify=false '\(target)'")
        #expect(fromRegistry == ours.stdout)

        #expect(try run(manifoldBinary, ["verify", "-q", archive, layout, flat]).status == 0)
    }

    /// A layout holding one Docker v2s2 image, as skopeo writes it (`--format v2s2`, `dir:`),
    /// listed in index.json by its Docker media type.
    func dockerV2S2Layout(_ name: String, architecture: String) throws -> String {
        let oci = try umociImage("\(name)-oci", architecture: architecture)
        let dir = directory.appendingPathComponent("\(name)-dir")
        _ = try shell("skopeo copy -q --format v2s2 'oci:\(oci):v1' 'dir:\(dir.path)'")
        let layout = directory.appendingPathComponent(name)
        let blobs = layout.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.count == 64 {
            try FileManager.default.copyItem(at: dir.appendingPathComponent(file), to: blobs.appendingPathComponent(file))
        }
        let manifest = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        let digest = try sha256(Array(manifest))
        #expect(String(decoding: manifest, as: UTF8.self).contains(MediaType.dockerManifest))
        try manifest.write(to: blobs.appendingPathComponent(digest.encoded))
        try Data(#"{"schemaVersion":2,"manifests":[{"mediaType":"\#(MediaType.dockerManifest)","digest":"\#(digest)","size":\#(manifest.count)}]}"#.utf8)
            .write(to: layout.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: layout.appendingPathComponent("oci-layout"))
        return layout.path
    }

    /// What the README tells users to do, by default, with Docker v2s2 children: pack, then
    /// `skopeo copy --all oci-archive:OUT:T docker://…`, and back; every digest kept.
    @Test(.requires(.umoci, .skopeo, .dockerRegistry)) func dockerChildrenGoThroughSkopeoToARegistryAndBack() throws {
        let amd = try dockerV2S2Layout("amd", architecture: "amd64")
        let arm = try dockerV2S2Layout("arm", architecture: "arm64")
        let archive = directory.appendingPathComponent("multi.tar").path
        let packed = try run(manifoldBinary, ["pack", "-o", archive, "--tag", "v1", amd, arm])
        #expect(packed.status == 0, "\(packed.stderr)")
        let index = try run(manifoldBinary, ["inspect", "--raw", archive]).stdout
        #expect(index.contains(MediaType.ociIndex) && index.contains(MediaType.dockerManifest))
        let children = try ResolvedImage.open(LocalImageReference(path: archive)).manifests.map(\.descriptor.digest)
        #expect(children.count == 2)

        let registry = try TestRegistry(in: directory)
        let target = registry.reference("manifold/docker-children:v1")
        let pushed = try run("/bin/sh", ["-c", "skopeo copy -q --all --dest-tls-verify=false 'oci-archive:\(archive):v1' '\(target)'"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try shell("skopeo inspect --raw --tls-verify=false '\(target)'") == index)
        for child in children {
            let stored = try shell("skopeo inspect --raw --tls-verify=false '\(registry.reference("manifold/docker-children"))@\(child)'")
            #expect(try sha256(Array(stored.utf8)) == child)
        }

        // And back into an oci-archive: the same index, every blob verified.
        let back = directory.appendingPathComponent("back.tar").path
        let pulled = try run("/bin/sh", ["-c", "skopeo copy -q --all --preserve-digests --src-tls-verify=false '\(target)' 'oci-archive:\(back):v1'"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try run(manifoldBinary, ["inspect", "--raw", back]).stdout == index)
        #expect(try run(manifoldBinary, ["verify", "-q", back]).status == 0)

        // A Docker manifest list, when asked for, is written and verifies; pack says that
        // skopeo will not find its tag (why it is not the default).
        let list = directory.appendingPathComponent("list.tar").path
        let listed = try run(manifoldBinary, ["pack", "-o", list, "--index-type", "docker", amd, arm])
        #expect(listed.status == 0)
        #expect(listed.stderr.contains("skopeo (1.9) and umoci find no tag"))
        #expect(try run(manifoldBinary, ["verify", "-q", list]).status == 0)
    }
}
