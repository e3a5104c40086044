import Foundation
import Glibc
import Testing
@testable import Manifold

/// Issue 12's "nothing lost" for the write side: `push` and `copy` killed (SIGKILL) at
/// seeded random points never leave a tag naming an incomplete image (children and blobs go
/// up first, the tag last: if the tag resolves, every child and blob is there), and the next
/// run completes the image sending only what is missing (--json: a blob is `uploaded` exactly
/// when the registry lacked it, else `present`).
@Suite struct InterruptedPushTests {
    let directory: URL
    let layout: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        layout = try ImageFixtures.madeImages(in: directory, images: 1, layers: 4, shared: 0, minMB: "2", maxMB: "4")
    }

    var authFile: String { directory.appendingPathComponent("no-auth.json").path }

    /// `curl` GET of `path` on `registry`: the status and the body.
    func get(_ registry: TestRegistry, _ path: String, head: Bool = false) throws -> (status: Int, body: Data) {
        let accept = "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json"
        let body = directory.appendingPathComponent("curl-body")
        let result = try run("/usr/bin/curl", ["-s", "-o", body.path, "-w", "%{http_code}", "-H", "Accept: \(accept)"]
                             + (head ? ["-I"] : []) + ["\(registry.baseURL)\(path)"])
        return (Int(result.stdout) ?? 0, (try? Data(contentsOf: body)) ?? Data())
    }

    /// The digests a document names: an index's manifests, or a manifest's config and layers.
    func children(_ document: Data) throws -> (manifests: [String], blobs: [String]) {
        guard case .object(let object) = try JSONParser.parse(Array(document)) else { return ([], []) }
        func digests(_ value: JSONValue?) -> [String] {
            guard case .array(let items)? = value else { return [] }
            return items.compactMap { if case .object(let item) = $0, case .string(let digest)? = item["digest"] { digest } else { nil } }
        }
        var blobs = digests(object["layers"])
        if case .object(let config)? = object["config"], case .string(let digest)? = config["digest"] { blobs.append(digest) }
        return (digests(object["manifests"]), blobs)
    }

    /// Nil when `repository:tag` does not resolve; else whether every child and blob under it is there.
    func tagIsWhole(_ registry: TestRegistry, _ repository: String, _ tag: String) throws -> Bool? {
        let top = try get(registry, "/v2/\(repository)/manifests/\(tag)")
        if top.status == 404 { return nil }
        guard top.status == 200 else { return false }
        let index = try children(top.body)
        for manifest in index.manifests {
            let child = try get(registry, "/v2/\(repository)/manifests/\(manifest)")
            guard child.status == 200 else { return false }
            for blob in try children(child.body).blobs where try get(registry, "/v2/\(repository)/blobs/\(blob)", head: true).status != 200 {
                return false
            }
        }
        return true
    }

    /// The blobs of the layout's image (configs and layers) `repository` lacks.
    func missing(_ registry: TestRegistry, _ repository: String, of blobs: [String]) throws -> Set<String> {
        Set(try blobs.filter { try get(registry, "/v2/\(repository)/blobs/\($0)", head: true).status != 200 })
    }

    /// Every config and layer of the layout's image.
    func imageBlobs() throws -> [String] {
        let index = try children(Data(contentsOf: layout.appendingPathComponent("index.json")))
        var blobs: [String] = []
        for top in index.manifests {
            let hex = top.dropFirst("sha256:".count)
            for manifest in try children(Data(contentsOf: layout.appendingPathComponent("blobs/sha256/\(hex)"))).manifests {
                let file = layout.appendingPathComponent("blobs/sha256/\(manifest.dropFirst("sha256:".count))")
                blobs += try children(Data(contentsOf: file)).blobs
            }
        }
        return blobs
    }

    /// The blobs a `--json` run says it uploaded, and those it found present.
    func placements(_ result: RunResult) throws -> (uploaded: Set<String>, present: Set<String>) {
        guard case .object(let root) = try JSONParser.parse(Array(result.stdoutData)), case .object(let push)? = root["push"],
              case .array(let blobs)? = push["blobs"] else { throw ManifoldError(.internalFailure, "no push member: \(result.stdout)") }
        var uploaded = Set<String>(), present = Set<String>()
        for case .object(let blob) in blobs {
            guard case .string(let digest)? = blob["digest"], case .string(let status)? = blob["status"] else { continue }
            if status == "uploaded" { uploaded.insert(digest) } else if status == "present" { present.insert(digest) }
        }
        return (uploaded, present)
    }

    /// Starts `arguments`, kills it once `ready()` holds or after `seconds` (if still
    /// running), and waits.
    func killed(_ arguments: [String], after seconds: Double, when ready: () -> Bool = { false }) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, !ready(), Date() < deadline { usleep(2_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// How many blobs `repository` has linked so far, read from the registry's storage (a
    /// `link` file appears when an upload is committed): cheap enough to poll during a run.
    func linkedBlobs(_ registry: TestRegistry, _ repository: String) -> Int {
        let layers = registry.storageRoot.appendingPathComponent("docker/registry/v2/repositories/\(repository)/_layers/sha256")
        return (try? FileManager.default.contentsOfDirectory(atPath: layers.path))?.count ?? 0
    }

    /// Ten trials, five of push and five of copy, each with a repository of its own: kill,
    /// check the tag, run again to the end, check what it sent.
    @Test(.requires(.dockerRegistry))
    func aKilledPushOrCopyNeverTagsAnIncompleteImageAndTheNextRunSendsOnlyWhatIsMissing() throws {
        let source = try TestRegistry(in: directory, .plainHTTP)
        let destination = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try run(manifoldBinary, ["push", "--authfile", authFile, "\(layout.path):img1", "\(source.host)/app:1"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let blobs = try imageBlobs()
        #expect(blobs.count == 10)
        // How long a whole run takes here, so that the kills fall inside one.
        let started = Date()
        let whole = try run(manifoldBinary, ["push", "--authfile", authFile, "\(layout.path):img1", "\(destination.host)/timing/app:1"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let span = max(Date().timeIntervalSince(started), 0.2)

        var random = SeededRandom(seed: 12)
        var sawPartial = false
        for trial in 0..<10 {
            let repository = "trial\(trial)/app"
            let copies = trial % 2 == 1
            let arguments = copies
                ? ["copy", "--json", "--src-authfile", authFile, "--dest-authfile", authFile,
                   "docker://\(source.host)/app:1", "docker://\(destination.host)/\(repository):1"]
                : ["push", "--json", "--authfile", authFile, "\(layout.path):img1", "\(destination.host)/\(repository):1"]
            // Half the kills at a random moment of a run; the other half as soon as the
            // registry has committed 1–3 of its blobs, which a run's timing (a sanitized binary
            // spends most of it verifying) cannot make them miss.
            let fraction = random.fraction(in: 0.05...0.95)
            if trial < 4 {
                let wanted = 1 + trial % 3
                try killed(arguments, after: 60, when: { linkedBlobs(destination, repository) >= wanted })
            } else {
                try killed(arguments, after: span * fraction)
            }

            let tag = try tagIsWhole(destination, repository, "1")
            #expect(tag != false, "trial \(trial): the tag names an image with something missing")
            let lacking = try missing(destination, repository, of: blobs)
            if tag == nil, lacking.count < blobs.count { sawPartial = true }

            let again = try run(manifoldBinary, arguments)
            #expect(again.status == 0, "trial \(trial): \(again.stdout) \(again.stderr)")
            let (uploaded, present) = try placements(again)
            #expect(uploaded == lacking, "trial \(trial): only what was missing is sent")
            #expect(present == Set(blobs).subtracting(lacking), "trial \(trial)")
            #expect(try tagIsWhole(destination, repository, "1") == true, "trial \(trial)")
        }
        // At least one kill fell between the first blob and the tag (the case that matters).
        #expect(sawPartial, "no kill landed inside a run")
    }
}
