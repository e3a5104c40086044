import Foundation
import Testing
@testable import Manifold

/// `pack --push REF` without `-o`: the pack goes straight to the registry, each blob read once
/// from its input and uploaded once, no archive written on the way, under `push`'s rules (no
/// manifest naming a blob that failed, the tag last). What the registry serves is the index
/// `pack -o` writes, byte for byte.
@Suite struct PackPushTests {
    let directory: URL
    /// $TMPDIR of the runs: a direct push writes nothing there.
    let temporary: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        temporary = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Two inputs, one an OCI layout of two platforms, one a Docker ≤ 24 save (uncompressed
    /// layers, a manifest pack synthesizes), and an index annotation.
    let packing = ["--allow-duplicate-platforms", "--annotation", "org.example.built=packpush", fixture("oci-two-platforms"), fixture("docker-24.tar")]

    /// `manifold pack ARGUMENTS` with TMPDIR at `temporary`.
    func pack(_ arguments: [String]) throws -> RunResult {
        try run("/usr/bin/env", ["TMPDIR=\(temporary.path)", manifoldBinary, "pack", "--tls-verify=false", "--authfile", path("no-auth.json")] + arguments)
    }

    /// The registry's log lines for the requests of `method` whose URI contains `part`, that
    /// it answered with `status`.
    func requests(_ log: Substring, _ method: String, _ part: String, status: Int) -> [Substring] {
        log.split(separator: "\n").filter {
            $0.contains("http.request.method=\(method) ") && $0.contains(part) && $0.contains("http.response.status=\(status) ")
        }
    }

    /// The registry's log once it holds a line containing `last` (it logs a request after
    /// answering it, so the client may be done before the line is written); as it is after 10 s.
    /// (logrus quotes a value only when it holds characters such as `:` or `?`: a tag's URI is bare.)
    func settledLog(of registry: TestRegistry, through last: String) -> Substring {
        for _ in 0..<400 where !registry.log.contains(last) { usleep(25_000) }
        return Substring(registry.log)
    }

    /// The digest each completed blob upload (`PUT …/blobs/uploads/…?digest=`) in `log` names.
    func uploadedDigests(_ log: Substring, repository: String) -> [String] {
        requests(log, "PUT", "\"/v2/\(repository)/blobs/uploads/", status: 201).compactMap { line in
            guard let range = line.range(of: "digest=sha256:") else { return nil }
            return "sha256:" + line[range.upperBound...].prefix(64)
        }
    }

    @Test(.requires(.skopeo, .dockerRegistry))
    func theDirectPushPublishesPackOutputsIndexUploadingEachBlobOnce() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let destination = "\(registry.reference("direct/app")):1.0"
        let pushed = try pack(["--push", destination] + packing)
        #expect(pushed.status == 0, "\(pushed.stdout) \(pushed.stderr)")
        #expect(pushed.stdout.hasPrefix("pushed \(registry.reference("direct/app"))@sha256:"), "\(pushed.stdout)")
        #expect(pushed.stdout.contains(" as 1.0\nblobs: 9 uploaded"), "\(pushed.stdout)")
        #expect(pushed.stdout.contains("manifests: 4 written, 0 already present"), "\(pushed.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [], "nothing written to $TMPDIR")

        // The index at the registry is the one pack -o writes for the same inputs and flags.
        let packed = path("packed.tar")
        let written = try pack(["-o", packed] + packing)
        #expect(written.status == 0, "\(written.stderr)")
        let ours = try run(manifoldBinary, ["inspect", "--raw", packed])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(destination)'"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(!ours.stdoutData.isEmpty && theirs.stdoutData == ours.stdoutData)
        // The Docker ≤ 24 save's uncompressed layers went up as stored, and read back whole.
        let verified = try run(manifoldBinary, ["verify", "--tls-verify=false", "--authfile", path("no-auth.json"), destination])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")

        // Every blob went up in one request, once; none in PATCH chunks.
        let log = settledLog(of: registry, through: "uri=/v2/direct/app/manifests/1.0 ")
        let uploads = uploadedDigests(log, repository: "direct/app")
        #expect(uploads.count == 9, "\(uploads)")
        #expect(Set(uploads).count == uploads.count, "a blob uploaded twice: \(uploads)")
        #expect(requests(log, "PATCH", "/v2/direct/app/blobs/uploads/", status: 202).isEmpty)
        // The tag after every manifest by digest.
        let manifests = requests(log, "PUT", "/v2/direct/app/manifests/", status: 201)
        #expect(manifests.count == 5 && manifests.last?.contains("uri=/v2/direct/app/manifests/1.0 ") == true, "\(manifests)")

        // Again, to another tag: every blob is there, none read or sent.
        let before = registry.log.count
        let again = try pack(["--push", "\(registry.reference("direct/app")):1.1"] + packing)
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("blobs: 0 uploaded (0 B sent), 0 mounted, 9 already present; manifests: 0 written, 4 already present"),
                "\(again.stdout)")
        let later = settledLog(of: registry, through: "uri=/v2/direct/app/manifests/1.1 ").dropFirst(before)
        #expect(requests(later, "PUT", "/blobs/uploads/", status: 201).isEmpty)
        #expect(requests(later, "POST", "/blobs/uploads/", status: 202).isEmpty)
        let tagged = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(registry.reference("direct/app")):1.1'"])
        #expect(tagged.stdoutData == ours.stdoutData)
    }

    /// A layer whose bytes are not what its manifest says: exit 1, the layer named, its
    /// upload never completed and no manifest or tag written.
    @Test(.requires(.skopeo, .dockerRegistry))
    func aCorruptLayerFailsNamingTheBlobAndPutsNoManifest() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: layout)
        let layer = try editor.manifestParts(try editor.manifestDigest(0)).layers[0]
        try editor.flipByte(layer)
        let failed = try pack(["--push", "\(registry.reference("broken/app")):v1", layout.path])
        #expect(failed.status == 1, "\(failed.stdout) \(failed.stderr)")
        #expect(failed.stderr.contains("layers[0] \(layer.prefix("sha256:".count + 12))…: digest mismatch: expected \(layer)"), "\(failed.stderr)")
        let log = Substring(registry.log)
        #expect(!uploadedDigests(log, repository: "broken/app").contains(layer), "the corrupt layer's upload was completed")
        #expect(requests(log, "PUT", "/manifests/", status: 201).isEmpty, "a manifest or tag was written")
        let tag = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(registry.reference("broken/app")):v1'"])
        #expect(tag.status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [])
    }

    /// A layer whose bytes are right but whose config's diff_id is not: the direct push
    /// inflates each layer as `push` does, so it fails as `push` of pack's output would.
    @Test(.requires(.dockerRegistry))
    func aWrongDiffIDFailsAsPushWould() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: layout)
        let config = try editor.manifestParts(try editor.manifestDigest(0)).config
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        try editor.rewrite(config) { text in
            guard let start = text.range(of: "\"diff_ids\":[\"") else { return text }
            let first = text[start.upperBound...].prefix("sha256:".count + 64)
            return text.replacingOccurrences(of: String(first), with: wrong)
        }
        let failed = try pack(["--push", "\(registry.reference("diffid/app")):v1", layout.path])
        #expect(failed.status == 1, "\(failed.stdout) \(failed.stderr)")
        #expect(failed.stderr.contains("layers[0]") && failed.stderr.contains("diff_id mismatch: expected \(wrong)"), "\(failed.stderr)")
        let tag = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(registry.baseURL)/v2/diffid/app/manifests/v1"])
        #expect(tag.stdout == "404", "\(tag.stdout)")
    }

    /// Uploads cut off part-way (the fault proxy resets a seeded share of PUT bodies, and
    /// fails GETs and HEADs): each is read from its input and sent again, whole, as push does,
    /// and the registry ends with pack -o's index, verified.
    @Test(.requires(.skopeo, .dockerRegistry))
    func uploadsCutOffAreReadAndSentAgain() throws {
        let layout = try ImageFixtures.madeImages(in: directory, images: 1, layers: 3, shared: 1, minMB: "1", maxMB: "2")
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let proxy = try TestFaultProxy(in: directory, upstream: registry.host, rate: 0.1, uploads: true)
        let pushed = try pack(["--push", "\(proxy.host)/faulted/app:1", "--timeout", "3m", "\(layout.path):img1"])
        #expect(pushed.status == 0, "\(pushed.stdout) \(pushed.stderr)")
        let cut = try String(contentsOf: proxy.logFile, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"reset-upload\"") && $0.contains("/blobs/uploads/") }
        #expect(!cut.isEmpty, "no blob upload was cut off: \(proxy.faults())")
        let packed = path("faulted.tar")
        #expect(try pack(["-o", packed, "\(layout.path):img1"]).status == 0)
        let ours = try run(manifoldBinary, ["inspect", "--raw", packed])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false 'docker://\(registry.host)/faulted/app:1'"])
        #expect(!ours.stdoutData.isEmpty && theirs.stdoutData == ours.stdoutData)
        let verified = try run(manifoldBinary, ["verify", "--authfile", path("no-auth.json"), "docker://\(registry.host)/faulted/app:1"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    }

    /// --flat pushes the one manifest index.json would list; several cannot go under one tag.
    @Test(.requires(.skopeo, .dockerRegistry))
    func flatPushesTheOneManifestAndRefusesSeveral() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let one = try pack(["--push", "\(registry.reference("flat/app")):v1", "--flat", "--platform", "linux/arm64", fixture("oci-two-platforms")])
        #expect(one.status == 0, "\(one.stdout) \(one.stderr)")
        let packed = path("flat")
        #expect(try pack(["-o", packed, "--flat", "--platform", "linux/arm64", fixture("oci-two-platforms")]).status == 0)
        let ours = try run(manifoldBinary, ["inspect", "--raw", packed])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(registry.reference("flat/app")):v1'"])
        #expect(!ours.stdoutData.isEmpty && theirs.stdoutData == ours.stdoutData)

        let two = try pack(["--push", "\(registry.reference("flat/two")):v1", "--flat", fixture("oci-two-platforms")])
        #expect(two.status == 2)
        #expect(two.stderr.contains("--flat lists 2 manifests in index.json, and a registry tag names one image"), "\(two.stderr)")
        #expect(requests(Substring(registry.log), "POST", "/v2/flat/two/blobs/uploads/", status: 202).isEmpty, "a blob was sent")
    }
}
