import Foundation
import Testing
@testable import Manifold

/// `push`, `copy` and `tag` against the test registries, through the built binary: what a
/// registry holds afterwards (byte for byte, read back by skopeo and buildah), what moved
/// (uploaded, mounted, present), and that no tag ever names an image that failed or was cut off.
@Suite struct PushTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The flags that reach `registry` as `user` (the writer: pushes need it).
    func flags(_ registry: TestRegistry, as user: RegistryUser? = .writer) -> [String] {
        var flags = ["--authfile", path("no-auth.json")]
        guard let certDirectory = registry.certDirectory else { return flags + ["--tls-verify=false"] }
        flags += ["--cert-dir", certDirectory.path]
        if let user { flags += ["--creds", user.creds] }
        return flags
    }

    /// copy's flags for the same, `--src-…` or `--dest-…`.
    func copyFlags(_ registry: TestRegistry, _ side: String, as user: RegistryUser = .writer) -> [String] {
        guard let certDirectory = registry.certDirectory else { return ["--\(side)-tls-verify=false"] }
        return ["--\(side)-cert-dir", certDirectory.path, "--\(side)-creds", user.creds]
    }

    /// The `push` member of a `--json` run: each blob's status, and the top digest.
    func pushed(_ result: RunResult) throws -> (digest: String?, statuses: [String], bytesSent: Int) {
        guard case .object(let root) = try JSONParser.parse(Array(result.stdoutData)), case .object(let push)? = root["push"],
              case .array(let blobs)? = push["blobs"], case .number(let sent)? = push["bytesSent"] else {
            throw ManifoldError(.internalFailure, "no push member in \(result.stdout)")
        }
        var digest: String?
        if case .string(let top)? = push["digest"] { digest = top }
        let statuses = blobs.compactMap { blob -> String? in
            guard case .object(let fields) = blob, case .string(let status)? = fields["status"] else { return nil }
            return status
        }
        return (digest, statuses, Int(sent) ?? -1)
    }

    /// Whether the registry has REPOSITORY's manifest REFERENCE (a tag or a digest), asked with
    /// skopeo as the reader.
    func manifestExists(_ registry: TestRegistry, _ repository: String, _ reference: String) throws -> Bool {
        let separator = reference.hasPrefix("sha256:") ? "@" : ":"
        let result = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions(as: .reader)) '\(registry.reference(repository))\(separator)\(reference)'"])
        return result.status == 0
    }

    // MARK: pack → push → read back

    /// pack → push → `skopeo inspect --raw` is byte for byte `manifold inspect --raw` of the
    /// pack output → `skopeo copy --all` back verifies; a second push sends no blob bytes.
    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: TestRegistry.Configuration.allCases)
    func packPushAndReadBackByteForByte(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        let packed = path("packed.tar")
        let packing = try run(manifoldBinary, ["pack", "-o", packed, "--tag", "1.0", fixture("oci-two-platforms")])
        #expect(packing.status == 0, "\(packing.stderr)")
        let destination = "\(registry.reference("team/app")):1.0"
        let digestFile = path("digest")
        let first = try run(manifoldBinary, ["push", "--json", "--digestfile", digestFile] + flags(registry) + [packed, destination, "--tag", "latest"])
        #expect(first.status == 0, "\(configuration): \(first.stdout) \(first.stderr)")
        let firstPush = try pushed(first)
        #expect(!firstPush.statuses.isEmpty && firstPush.statuses.allSatisfy { $0 == "uploaded" }, "\(firstPush.statuses)")

        let ours = try run(manifoldBinary, ["inspect", "--raw", packed])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions(as: .reader)) '\(destination)'"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(theirs.stdoutData == ours.stdoutData, "the registry serves the index pack wrote")
        let topDigest = try sha256(Array(ours.stdoutData)).description
        #expect(try String(contentsOfFile: digestFile, encoding: .utf8) == topDigest)
        #expect(firstPush.digest == topDigest)
        #expect(try manifestExists(registry, "team/app", "latest"))

        let back = path("back")
        _ = try shell("skopeo copy -q --all \(registry.skopeoOptions(.source, as: .reader)) '\(destination)' 'oci:\(back):1.0'")
        let verified = try run(manifoldBinary, ["verify", "-q", back])
        #expect(verified.status == 0, "\(verified.stdout)")

        // Again: every blob is there, so none is read or sent.
        let second = try run(manifoldBinary, ["push", "--json"] + flags(registry) + [packed, destination])
        #expect(second.status == 0, "\(second.stderr)")
        let secondPush = try pushed(second)
        #expect(secondPush.statuses.allSatisfy { $0 == "present" }, "\(secondPush.statuses)")
        #expect(secondPush.bytesSent == 0)
        let text = try run(manifoldBinary, ["push"] + flags(registry) + [packed, destination])
        #expect(text.stdout.contains("0 uploaded (0 B sent)"), "\(text.stdout)")
    }

    /// `pack --push` publishes the index pack writes, byte for byte, tagged as REF says.
    @Test(.requires(.skopeo, .dockerRegistry))
    func packPushPublishesWhatPackWrites() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let destination = "\(registry.reference("packed/app")):2.0"
        let packed = path("packed.tar")
        let result = try run(manifoldBinary, ["pack", "-o", packed, "--push", destination, "--tls-verify=false", fixture("oci-two-platforms")])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let ours = try run(manifoldBinary, ["inspect", "--raw", packed])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(destination)'"])
        #expect(theirs.stdoutData == ours.stdoutData)
        // --push alone: nothing left behind, the same index published.
        let only = try run(manifoldBinary, ["pack", "--push", "\(registry.reference("packed/app")):2.1", "--tls-verify=false", fixture("oci-two-platforms")])
        #expect(only.status == 0, "\(only.stdout) \(only.stderr)")
        #expect(only.stdout.contains("6 already present"), "\(only.stdout)")
        let neither = try run(manifoldBinary, ["pack", fixture("oci-two-platforms")])
        #expect(neither.status == 2)
        #expect(neither.stderr.contains("give -o OUT, --push REF, or both"), "\(neither.stderr)")
    }

    /// A docker save of Docker ≤ 24 pushes the OCI manifest it implies (the one inspect
    /// shows), uncompressed layers as they are; Docker 25+ saves push their own. Both read
    /// back and verify.
    @Test(.requires(.skopeo, .dockerRegistry), arguments: ["docker-24.tar", "docker-25.tar"])
    func aDockerSavePushesTheManifestItImplies(_ name: String) throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let destination = "\(registry.reference("saved/app")):v1"
        let pushing = try run(manifoldBinary, ["push", "--tls-verify=false", fixture(name), destination])
        #expect(pushing.status == 0, "\(pushing.stdout) \(pushing.stderr)")
        let ours = try run(manifoldBinary, ["inspect", "--raw", fixture(name)])
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(destination)'"])
        #expect(theirs.stdoutData == ours.stdoutData, "\(theirs.stdout)")
        let back = path("back-\(name)")
        _ = try shell("skopeo copy -q --src-tls-verify=false '\(destination)' 'oci:\(back):v1'")
        let verified = try run(manifoldBinary, ["verify", "-q", back])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    /// A second `--compress` push of the same save sends nothing and compresses nothing: the
    /// cache (under $XDG_CACHE_HOME) says what each layer went up as, and the registry has it.
    /// Without the cache the layers are compressed again, to the same bytes (the same image
    /// digest); a cache entry the registry does not hold is compressed and
    /// sent as if unknown; a damaged cache file is no cache.
    @Test(.requires(.dockerRegistry), arguments: [["gzip"], ["zstd", "--compress-level", "19"], ["gzip", "--compress-level", "9"]])
    func aRepushWithCompressSendsAndCompressesNothing(_ compression: [String]) throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let cache = path("cache"), cacheFile = path("cache/manifold/compressed-layers.json")
        let destination = "\(registry.reference("recompressed/app")):1"
        func push(_ to: String = destination) throws -> (RunResult, (digest: String?, statuses: [String], bytesSent: Int)) {
            let result = try run("/usr/bin/env", ["XDG_CACHE_HOME=\(cache)", manifoldBinary, "push", "--json", "--tls-verify=false", "--compress"]
                                 + compression + [fixture("docker-24.tar"), to])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            return (result, try pushed(result))
        }
        let (_, first) = try push()
        #expect(first.bytesSent > 0 && first.statuses.contains("uploaded"))
        #expect(FileManager.default.fileExists(atPath: cacheFile))

        let (again, second) = try push()
        #expect(second.digest == first.digest)
        #expect(second.bytesSent == 0 && second.statuses.allSatisfy { $0 == "present" }, "\(second.statuses)")
        #expect(again.stdout.contains("compressed with \(compression[0])"), "the manifest still names compressed layers")

        // No cache: compressed (and so sent: its digest is known only at the end) again, to
        // the same bytes.
        try FileManager.default.removeItem(atPath: cache)
        let (_, uncached) = try push()
        #expect(uncached.digest == first.digest, "the same layer compresses to the same bytes")

        // A cache naming digests another repository's registry does not hold: sent as unknown.
        let (_, elsewhere) = try push("\(registry.reference("recompressed/other")):1")
        #expect(elsewhere.digest == first.digest && elsewhere.bytesSent > 0, "\(elsewhere.statuses)")

        // A damaged cache file is no cache, and is replaced by a good one.
        try Data("{\"layers\": [{\"diff_id\": 7".utf8).write(to: URL(fileURLWithPath: cacheFile))
        let (_, damaged) = try push()
        #expect(damaged.digest == first.digest, "\(damaged.statuses)")
        let rewritten = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: cacheFile))))
        guard case .object(let top) = rewritten, case .array(let layers)? = top["layers"] else {
            Issue.record("cache not rewritten: \(rewritten)")
            return
        }
        #expect(!layers.isEmpty)
    }

    /// `--compress gzip|zstd`: a Docker 24 save's uncompressed layers go up compressed; the
    /// registry serves a manifest naming them with the compressed media type, the config (and
    /// so the diff_ids) is the save's own, skopeo copies it back, and it verifies (every
    /// layer's decompressed digest equal to its diff_id).
    @Test(.requires(.skopeo, .dockerRegistry), arguments: ["gzip", "zstd"])
    func aDockerSaveIsPushedWithItsLayersCompressed(_ compression: String) throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let destination = "\(registry.reference("compressed/app")):\(compression)"
        let pushing = try run("/usr/bin/env", ["XDG_CACHE_HOME=\(path("cache"))", manifoldBinary, "push", "--compress", compression, "--tls-verify=false", fixture("docker-24.tar"), destination])
        #expect(pushing.status == 0, "\(pushing.stdout) \(pushing.stderr)")
        #expect(pushing.stdout.contains("compressed with \(compression)"), "\(pushing.stdout)")
        let theirs = try run("/bin/sh", ["-c", "skopeo inspect --raw --tls-verify=false '\(destination)'"])
        guard case .object(let manifest) = try JSONParser.parse(Array(theirs.stdoutData)),
              case .array(let layers)? = manifest["layers"], case .object(let config)? = manifest["config"] else {
            Issue.record("no manifest: \(theirs.stdout)")
            return
        }
        #expect(!layers.isEmpty)
        for layer in layers {
            guard case .object(let fields) = layer else { continue }
            #expect(fields["mediaType"] == .string("application/vnd.oci.image.layer.v1.tar+\(compression)"), "\(fields)")
        }
        // The config pushed is the save's: same digest, so the same diff_ids.
        let ours = try run(manifoldBinary, ["inspect", "--raw", fixture("docker-24.tar")])
        guard case .object(let original) = try JSONParser.parse(Array(ours.stdoutData)), case .object(let originalConfig)? = original["config"] else {
            Issue.record("no manifest: \(ours.stdout)")
            return
        }
        #expect(config["digest"] == originalConfig["digest"])
        #expect(theirs.stdoutData != ours.stdoutData, "the manifest names the compressed layers")

        let back = path("back-\(compression)")
        _ = try shell("skopeo copy -q --src-tls-verify=false '\(destination)' 'oci:\(back):v1'")
        let verified = try run(manifoldBinary, ["verify", back])
        #expect(verified.status == 0, "\(verified.stdout)")
        // What was copied back has the save's config, byte for byte: the same diff_ids, which
        // verify just matched against the decompressed layers.
        guard case .string(let configDigest)? = originalConfig["digest"] else { return }
        let copied = try run(manifoldBinary, ["inspect", "--config", "--json", back])
        #expect(copied.stdout.contains("\"config\": \"\(configDigest)\""), "\(copied.stdout)")
    }

    /// buildah pulls what manifold pushed (both platforms' manifests and blobs are usable).
    @Test(.requires(.buildah, .dockerRegistry))
    func buildahPullsWhatManifoldPushed() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let destination = "\(registry.reference("buildah/app")):1.0"
        let pushing = try run(manifoldBinary, ["push"] + flags(registry) + [fixture("oci-nested-index"), destination])
        #expect(pushing.status == 0, "\(pushing.stdout) \(pushing.stderr)")
        let storage = "--storage-driver vfs --root '\(path("buildah-root"))' --runroot '\(path("buildah-run"))'"
        let pulled = try run("/bin/sh", ["-c", "buildah \(storage) pull -q --tls-verify=false '\(destination)'"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let config = try run("/bin/sh", ["-c", "buildah \(storage) inspect --type image '\(destination.dropFirst("docker://".count))'"])
        #expect(config.status == 0 && config.stdout.contains("\"os\": \"linux\""), "\(config.stdout) \(config.stderr)")
    }

    // MARK: copy

    /// Between two repositories of one registry every blob is mounted: the registry's log
    /// shows the mounts and no blob upload; the copy has the source's digest.
    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: [TestRegistry.Configuration.plainHTTP, .tokenAuthTLS])
    func copyWithinARegistryMountsEveryBlob(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        let source = try registry.push(.twoPlatformIndex, to: "src/app")
        let logBefore = registry.log
        let copied = try run(manifoldBinary, ["copy", "--json"] + copyFlags(registry, "src") + copyFlags(registry, "dest")
                             + ["\(registry.reference("src/app")):v1", "\(registry.reference("mirror/app")):v1"])
        #expect(copied.status == 0, "\(copied.stdout) \(copied.stderr)")
        let result = try pushed(copied)
        #expect(!result.statuses.isEmpty && result.statuses.allSatisfy { $0 == "mounted" }, "\(result.statuses)")
        #expect(result.bytesSent == 0)
        #expect(result.digest == source.digest)
        let log = String(registry.log.dropFirst(logBefore.count))
        #expect(log.contains("mount=sha256"), "\(log)")
        #expect(!log.contains("PATCH /v2/mirror/app/blobs/uploads"), "no blob bytes sent")
        #expect(try manifestExists(registry, "mirror/app", "v1"))
    }

    /// Between two registries every digest is kept, the index's included; a blob is
    /// streamed from one to the other (none written to disk by manifold), and verifies there.
    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func copyAcrossRegistriesKeepsEveryDigest() throws {
        let from = try TestRegistry(in: directory, .basicAuthTLS)
        let to = try TestRegistry(in: directory, .tokenAuthTLS)
        for fixture in RegistryFixture.allCases {
            let source = try from.push(fixture, to: "app/\(fixture.rawValue.lowercased())")
            let destination = "\(to.reference("copied/\(fixture.rawValue.lowercased())")):v1"
            let copied = try run(manifoldBinary, ["copy", "--all"] + copyFlags(from, "src", as: .reader) + copyFlags(to, "dest")
                                 + ["\(from.reference(source.repository)):v1", destination])
            #expect(copied.status == 0, "\(fixture): \(copied.stdout) \(copied.stderr)")
            let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(to.skopeoOptions(as: .reader)) '\(destination)'"])
            #expect(raw.stdoutData == source.raw, "\(fixture): the copy serves the source's bytes")
            let verified = try run(manifoldBinary, ["verify", "-q", "--cert-dir", to.certDirectory?.path ?? "", "--creds", RegistryUser.reader.creds,
                                                    "--authfile", path("no-auth.json"), destination])
            #expect(verified.status == 0, "\(fixture): \(verified.stdout) \(verified.stderr)")
        }
    }

    /// `--platform` writes a new index listing only that platform, and says its digest changed.
    @Test(.requires(.skopeo, .dockerRegistry))
    func copyOnePlatformWritesANewIndex() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        try registry.push(.twoPlatformIndex, to: "src/multi")
        let copied = try run(manifoldBinary, ["copy", "--platform", "linux/amd64", "--src-tls-verify=false", "--dest-tls-verify=false",
                                              "\(registry.reference("src/multi")):v1", "\(registry.reference("amd64/only")):v1"])
        #expect(copied.status == 0, "\(copied.stdout) \(copied.stderr)")
        #expect(copied.stdout.contains("dropped by --platform"), "\(copied.stdout)")
        #expect(copied.stdout.contains("rewritten without them"), "\(copied.stdout)")
        let raw = try shell("skopeo inspect --raw --tls-verify=false '\(registry.reference("amd64/only")):v1'")
        #expect(raw.contains("amd64") && !raw.contains("arm64"), "\(raw)")
        // A local destination: copy is pull.
        let local = try run(manifoldBinary, ["copy", "--src-tls-verify=false", "\(registry.reference("amd64/only")):v1", path("local.tar")])
        #expect(local.status == 0, "\(local.stdout) \(local.stderr)")
        #expect(try run(manifoldBinary, ["verify", "-q", path("local.tar")]).status == 0)
        // A layout of two images and none named: refused, nothing sent.
        let two = try run(manifoldBinary, ["push", "--tls-verify=false", fixture("oci-two-platforms"), "\(registry.reference("two/images")):v1"])
        #expect(two.status == 2)
        #expect(two.stderr.contains("holds 2 images; name one"), "\(two.stderr)")
        #expect(try !manifestExists(registry, "two/images", "v1"))
    }

    // MARK: tag

    /// `tag` writes the same bytes under new tags, no blob moved.
    @Test(.requires(.skopeo, .dockerRegistry, .openssl))
    func tagAddsTagsToTheSameDigest() throws {
        let registry = try TestRegistry(in: directory, .tokenAuthTLS)
        let pushed = try registry.push(.twoPlatformIndex, to: "tags/app")
        let tagged = try run(manifoldBinary, ["tag"] + flags(registry) + ["\(registry.reference("tags/app")):v1", "stable", "2"])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        #expect(tagged.stdout.contains(pushed.digest), "\(tagged.stdout)")
        for tag in ["stable", "2"] {
            let raw = try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions(as: .reader)) '\(registry.reference("tags/app")):\(tag)'"])
            #expect(raw.stdoutData == pushed.raw, "\(tag)")
        }
        // The reader may pull but not push: refused, in the registry's words, exit 2.
        let refused = try run(manifoldBinary, ["tag"] + flags(registry, as: .reader) + ["\(registry.reference("tags/app")):v1", "nope"])
        #expect(refused.status == 2, "\(refused.stderr)")
    }

    // MARK: nothing half-published

    /// A layer whose bytes do not match: exit 1, the descriptor named, and neither the blob
    /// nor any manifest nor the tag reaches the registry.
    @Test(.requires(.skopeo, .dockerRegistry))
    func aCorruptBlobIsRefusedBeforeAnyManifest() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: layout)
        let manifest = try editor.manifestDigest(0)
        let (_, layers) = try editor.manifestParts(manifest)
        try editor.flipByte(layers[0])
        let result = try run(manifoldBinary, ["push"] + flags(registry) + ["\(layout.path):amd64", "\(registry.reference("bad/app")):v1"])
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("digest mismatch"), "\(result.stdout)")
        #expect(result.stdout.contains("nothing published"), "\(result.stdout)")
        #expect(try !manifestExists(registry, "bad/app", "v1"))
        #expect(try !manifestExists(registry, "bad/app", manifest))
        #expect(!FileManager.default.fileExists(atPath: registry.blobFile(layers[0]).path), "the bad blob was not completed")
    }

    /// A push killed (SIGKILL) while a large blob is being sent leaves no tag; the next push
    /// completes it.
    @Test(.requires(.skopeo, .dockerRegistry))
    func aPushKilledMidBlobLeavesTheTagAbsent() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try largeLayerLayout(in: directory, size: 96 << 20)
        let destination = "\(registry.reference("killed/app")):v1"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["push", "--quiet", "--jobs", "1"] + flags(registry) + [layout, destination]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the registry has part of the blob, then kill.
        let uploads = registry.storageRoot.appendingPathComponent("docker/registry/v2/repositories/killed/app/_uploads")
        var killedMidBlob = false
        for _ in 0..<3000 where process.isRunning {
            let sizes = (try? FileManager.default.contentsOfDirectory(atPath: uploads.path))?.compactMap { name in
                (try? FileManager.default.attributesOfItem(atPath: uploads.appendingPathComponent("\(name)/data").path))?[.size] as? Int
            } ?? []
            if sizes.contains(where: { $0 > 0 }) {
                kill(process.processIdentifier, SIGKILL)
                killedMidBlob = true
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        #expect(killedMidBlob, "the push ended before the registry held part of the blob")
        #expect(try !manifestExists(registry, "killed/app", "v1"))

        let again = try run(manifoldBinary, ["push"] + flags(registry) + [layout, destination])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(try manifestExists(registry, "killed/app", "v1"))
    }

    /// On a terminal (under `script`), a line per blob being sent and the total; piped or
    /// with --quiet, none.
    @Test(.requires(.dockerRegistry))
    func progressOnATerminalOnly() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let layout = try largeLayerLayout(in: directory, size: 24 << 20)
        let authfile = path("no-auth.json")
        let piped = try run(manifoldBinary, ["push", "--authfile", authfile, layout, "\(registry.host)/progress/piped:v1"])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stderr == "", "\(piped.stderr.debugDescription)")
        func onTerminal(_ extra: [String], _ repository: String) throws -> RunResult {
            let command = (["push", "--authfile", authfile] + extra + [layout, "\(registry.host)/\(repository):v1"])
                .map { "'\($0)'" }.joined(separator: " ")
            return try run("/usr/bin/script", ["-qec", "'\(manifoldBinary)' \(command) 2>&1 >/dev/null", "/dev/null"])
        }
        let shown = try onTerminal([], "progress/terminal")
        #expect(shown.status == 0, "\(shown.stdout)")
        #expect(shown.stdout.contains("\u{1B}[K") && shown.stdout.contains("/ 25.2 MB"), "\(shown.stdout.debugDescription)")
        let quiet = try onTerminal(["--quiet"], "progress/quiet")
        #expect(quiet.status == 0 && !quiet.stdout.contains("\u{1B}[K"), "\(quiet.stdout.debugDescription)")
    }

    // MARK: usage

    /// Bad references, unknown flags and missing images: exit 2 with words that say which.
    @Test func badArgumentsSayWhatIsWrong() throws {
        let badRef = try run(manifoldBinary, ["push", fixture("oci-nested-index"), "docker://localhost:1/Bad Name:v1"])
        #expect(badRef.status == 2)
        #expect(badRef.stderr.contains("destination"), "\(badRef.stderr)")
        let unknown = try run(manifoldBinary, ["push", "--no-such-flag", fixture("oci-nested-index"), "localhost:1/x:v1"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--no-such-flag"), "\(unknown.stderr)")
        let missing = try run(manifoldBinary, ["push", path("nothing-here"), "localhost:1/x:v1"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nothing-here"), "\(missing.stderr)")
        let both = try run(manifoldBinary, ["copy", "--all", "--platform", "linux/amd64", "docker://localhost:1/a:v1", "docker://localhost:1/b:v1"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--all and --platform"), "\(both.stderr)")
        let noTags = try run(manifoldBinary, ["tag", "localhost:1/a:v1"])
        #expect(noTags.status == 2)
        let badTag = try run(manifoldBinary, ["tag", "localhost:1/a:v1", "-bad-"])
        #expect(badTag.status == 2)
        // An existing --digestfile is not overwritten without --force: refused before anything.
        #expect(FileManager.default.createFile(atPath: path("taken"), contents: Data("keep".utf8)))
        let taken = try run(manifoldBinary, ["push", "--digestfile", path("taken"), fixture("oci-nested-index"), "localhost:1/x:v1"])
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("exists; give --force"), "\(taken.stderr)")
        #expect(try String(contentsOfFile: path("taken"), encoding: .utf8) == "keep")
        // An unreachable registry: one error naming it, before any blob is read.
        let unreachable = try run(manifoldBinary, ["push", fixture("oci-nested-index"), "localhost:1/x:v1"])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("localhost:1"), "\(unreachable.stderr)")
        #expect(!unreachable.stdout.contains("layers[0]"), "\(unreachable.stdout)")
    }
}

/// An OCI layout holding one image with one uncompressed layer of `size` pseudo-random bytes
/// (large enough that a push is still sending it when the test looks); returns its path.
func largeLayerLayout(in directory: URL, size: Int) throws -> String {
    let root = directory.appendingPathComponent("large-\(size)")
    let blobs = root.appendingPathComponent("blobs/sha256")
    try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
    func put(_ bytes: [UInt8]) throws -> (String, Int) {
        let digest = try sha256(bytes)
        try Data(bytes).write(to: blobs.appendingPathComponent(digest.encoded))
        return (digest.description, bytes.count)
    }
    let (layer, layerSize) = try put(layerLikeBytes(count: size, seed: 7))
    let (config, configSize) = try put(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layer)"]}}"#.utf8))
    let (manifest, manifestSize) = try put(Array("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":\(configSize)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(layer)","size":\(layerSize)}]}
        """.utf8))
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    try Data("""
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(manifest)","size":\(manifestSize)}]}
        """.utf8).write(to: root.appendingPathComponent("index.json"))
    return root.path
}
