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

    @Test func packsWhatUmociSkopeoAndBuildahMake() throws {
        guard peerAvailable("umoci"), peerAvailable("skopeo"), peerAvailable("buildah") else { return }
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
        let platforms = try ResolvedImage.open(ImageReference(path: merged)).manifests.compactMap { $0.platform?.description }
        #expect(platforms == ["linux/amd64", "linux/arm", "linux/arm64"])
    }

    @Test func outputIsAcceptedByOciImageToolSkopeoAndARegistry() throws {
        guard peerAvailable("umoci"), peerAvailable("skopeo"), peerAvailable("oci-image-tool"), peerAvailable("docker-registry") else { return }
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
        let port = try shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let config = directory.appendingPathComponent("registry.yml")
        try Data("""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory.path)/registry-data
            http:
              addr: 127.0.0.1:\(port)
            """.utf8).write(to: config)
        let registry = Process()
        registry.executableURL = URL(fileURLWithPath: "/bin/sh")
        registry.arguments = ["-c", "exec docker-registry serve '\(config.path)' > '\(directory.path)/registry.log' 2>&1"]
        try registry.run()
        defer { registry.terminate(); registry.waitUntilExit() }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? run("/bin/sh", ["-c", "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", \(port)), 0.2)'"]).status) == 0
            if !ready { usleep(100_000) }
        }
        #expect(ready, "docker-registry did not start")
        let target = "docker://127.0.0.1:\(port)/manifold/multi:v2"
        let copied = try run("/bin/sh", ["-c", "skopeo copy -q --all --dest-tls-verify=false 'oci-archive:\(archive):v2' '\(target)'"])
        #expect(copied.status == 0, "\(copied.stderr)")
        let fromRegistry = try shell("skopeo inspect --raw --tls-verify=false '\(target)'")
        #expect(fromRegistry == ours.stdout)

        #expect(try run(manifoldBinary, ["verify", "-q", archive, layout, flat]).status == 0)
    }
}
