import Foundation
import Testing
@testable import Manifold

/// pull's progress: per blob and in total, on stderr only when it is a terminal (run here
/// under `script`, which gives the command a pseudo-terminal), never when it is piped, never
/// with --quiet.
@Suite struct PullProgressTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    /// An OCI layout of one image whose one layer is an uncompressed tar of 24 MiB of random
    /// bytes: big enough that its download is seen under way.
    func bigLayerLayout() throws -> URL {
        let root = directory.appendingPathComponent("big")
        _ = try shell("""
            python3 - '\(root.path)' <<'EOF'
            import hashlib, io, json, os, sys, tarfile
            root = sys.argv[1]
            os.makedirs(root + "/blobs/sha256")
            def put(data):
                digest = hashlib.sha256(data).hexdigest()
                open(root + "/blobs/sha256/" + digest, "wb").write(data)
                return {"digest": "sha256:" + digest, "size": len(data)}
            payload = os.urandom(24 << 20)
            out = io.BytesIO()
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                info = tarfile.TarInfo("data.bin"); info.size = len(payload); info.mtime = 0
                tar.addfile(info, io.BytesIO(payload))
            layer = put(out.getvalue())
            config = put(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}).encode())
            manifest = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": dict(config, mediaType="application/vnd.oci.image.config.v1+json"),
                "layers": [dict(layer, mediaType="application/vnd.oci.image.layer.v1.tar")]}).encode())
            json.dump({"schemaVersion": 2, "manifests": [dict(manifest, mediaType="application/vnd.oci.image.manifest.v1+json",
                annotations={"org.opencontainers.image.ref.name": "latest"})]}, open(root + "/index.json", "w"))
            json.dump({"imageLayoutVersion": "1.0.0"}, open(root + "/oci-layout", "w"))
            EOF
            """)
        return root
    }

    @Test(.requires(.skopeo, .dockerRegistry))
    func progressOnATerminalOnlyAndNotWithQuiet() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try registry.push(layout: try bigLayerLayout(), tag: "latest", to: "manifold/big")
        let layer = try #require(pushed.layers.first)
        let reference = "\(registry.host)/\(pushed.repository):v1"
        let authfile = directory.appendingPathComponent("no-auth.json").path

        // Piped: not a byte of progress.
        let piped = try run(manifoldBinary, ["pull", "--authfile", authfile, reference, "-o", directory.appendingPathComponent("piped").path])
        #expect(piped.status == 0, "\(piped.stdout) \(piped.stderr)")
        #expect(piped.stderr == "", "\(piped.stderr.debugDescription)")

        // On a terminal: the layer's own line (its digest, its size) and the total line.
        func onTerminal(_ extra: [String], _ out: String) throws -> RunResult {
            let command = (["pull", "--authfile", authfile] + extra + [reference, "-o", directory.appendingPathComponent(out).path])
                .map { "'\($0)'" }.joined(separator: " ")
            return try run("/usr/bin/script", ["-qec", "'\(manifoldBinary)' \(command) 2>&1 >/dev/null", "/dev/null"])
        }
        let shown = try onTerminal([], "terminal")
        #expect(shown.status == 0, "\(shown.stdout)")
        #expect(shown.stdout.contains("\u{1B}[K"), "\(shown.stdout.debugDescription)")
        #expect(shown.stdout.contains("\(String(layer.prefix(19)))…  "), "the layer's line: \(shown.stdout.debugDescription)")
        #expect(shown.stdout.contains("/ 25.2 MB") || shown.stdout.contains("/ 25.1 MB"), "its size: \(shown.stdout.debugDescription)")
        #expect(shown.stdout.contains("\(reference): ") && shown.stdout.contains("B/s"), "the total: \(shown.stdout.debugDescription)")
        // verify docker:// shows the same lines.
        let verify = try run("/usr/bin/script", ["-qec", "'\(manifoldBinary)' verify --authfile '\(authfile)' 'docker://\(reference)' 2>&1 >/dev/null", "/dev/null"])
        #expect(verify.status == 0 && verify.stdout.contains("\(String(layer.prefix(19)))…  "), "\(verify.stdout.debugDescription)")
        let quiet = try onTerminal(["--quiet"], "quiet")
        #expect(quiet.status == 0 && !quiet.stdout.contains("\u{1B}[K") && !quiet.stdout.contains("/s"), "\(quiet.stdout.debugDescription)")
    }
}
