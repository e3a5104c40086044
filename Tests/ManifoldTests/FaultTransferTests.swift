import Foundation
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// Issue 12's faults: connections reset mid-blob on a seeded share of requests (the fault
/// proxy in front of a real docker-registry), on downloads and on uploads (a `PUT` or `PATCH`
/// cut off part-way through its body, with no answer). `push`, `pull` and `copy` still finish,
/// the destination's image is byte-identical to one sent without faults, and `--json` counts
/// what was sent again or resumed (more than none under faults, none without).
@Suite struct FaultTransferTests {
    let directory: URL
    let layout: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        // One two-platform image of 3 layers, 1–2 MB each: enough requests for the dice.
        layout = try ImageFixtures.madeImages(in: directory, images: 1, layers: 3, shared: 1, minMB: "1", maxMB: "2")
    }

    var flags: [String] { ["--authfile", directory.appendingPathComponent("no-auth.json").path, "--timeout", "3m"] }
    var copyFlags: [String] { ["--src-authfile", directory.appendingPathComponent("no-auth.json").path,
                               "--dest-authfile", directory.appendingPathComponent("no-auth.json").path, "--timeout", "3m"] }

    /// A `--json` run's member (`push` or `output`) and its `retries` + `resumed`.
    func transfers(_ result: RunResult, _ member: String) throws -> (total: Int, member: JSONObject) {
        guard case .object(let root) = try JSONParser.parse(Array(result.stdoutData)), case .object(let object)? = root[member],
              case .number(let retries)? = object["retries"], case .number(let resumed)? = object["resumed"] else {
            throw ManifoldError(.internalFailure, "no \(member) member with retries and resumed in \(result.stdout)")
        }
        return ((Int(retries) ?? -1) + (Int(resumed) ?? -1), object)
    }

    /// The top document as the registry serves it, read by skopeo.
    func raw(_ reference: String) throws -> Data {
        let result = try run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", reference])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutData
    }

    /// The image verified where it landed, read directly (not through the proxy).
    func verified(_ reference: String) throws -> Bool {
        let result = try run(manifoldBinary, ["verify", reference] + flags)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        return result.status == 0
    }

    @Test(.requires(.skopeo, .dockerRegistry))
    func aPushWhoseUploadsAreCutOffLandsWholeAndCountsWhatWasSentAgain() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let direct = try run(manifoldBinary, ["push", "--json", "\(layout.path):img1", "\(registry.host)/direct/app:1"] + flags)
        #expect(direct.status == 0, "\(direct.stdout) \(direct.stderr)")
        #expect(try transfers(direct, "push").total == 0, "nothing is sent again without faults")

        let proxy = try TestFaultProxy(in: directory, upstream: registry.host, rate: 0.1, uploads: true)
        let faulted = try run(manifoldBinary, ["push", "--json", "--jobs", "4", "\(layout.path):img1", "\(proxy.host)/faulted/app:1"] + flags)
        #expect(faulted.status == 0, "\(faulted.stdout) \(faulted.stderr)")
        #expect(proxy.faults().contains("reset-upload"), "no upload was cut off: \(proxy.faults())")
        let counted = try transfers(faulted, "push")
        #expect(counted.total > 0, "the uploads cut off are counted: \(faulted.stdout)")
        // Per blob too: the blobs' own counts add up to the total.
        if case .array(let blobs)? = counted.member["blobs"] {
            let perBlob = blobs.compactMap { blob -> Int? in
                guard case .object(let fields) = blob, case .number(let retries)? = fields["retries"],
                      case .number(let resumed)? = fields["resumed"] else { return nil }
                return (Int(retries) ?? 0) + (Int(resumed) ?? 0)
            }
            #expect(perBlob.count == blobs.count && perBlob.reduce(0, +) > 0, "\(blobs)")
        }
        #expect(try raw("docker://\(registry.host)/faulted/app:1") == raw("docker://\(registry.host)/direct/app:1"))
        #expect(try verified("docker://\(registry.host)/faulted/app:1"))
    }

    @Test(.requires(.skopeo, .dockerRegistry))
    func aCopyBetweenTwoFaultyRegistriesIsByteIdenticalAndAPullCountsItsResumes() throws {
        let source = try TestRegistry(in: directory, .plainHTTP)
        let destination = try TestRegistry(in: directory, .plainHTTP)
        let pushed = try run(manifoldBinary, ["push", "\(layout.path):img1", "\(source.host)/app:1"] + flags)
        #expect(pushed.status == 0, "\(pushed.stderr)")

        // Without faults: nothing counted.
        let plain = try run(manifoldBinary, ["copy", "--json", "docker://\(source.host)/app:1", "docker://\(destination.host)/plain/app:1"] + copyFlags)
        #expect(plain.status == 0, "\(plain.stdout) \(plain.stderr)")
        #expect(try transfers(plain, "push").total == 0)

        // Faults on both sides: the source's GETs reset, the destination's uploads cut off.
        let reading = try TestFaultProxy(in: directory, upstream: source.host, rate: 0.1, seed: 3)
        let writing = try TestFaultProxy(in: directory, upstream: destination.host, rate: 0.1, seed: 12, uploads: true)
        let copied = try run(manifoldBinary, ["copy", "--json", "--jobs", "4", "docker://\(reading.host)/app:1",
                                              "docker://\(writing.host)/faulted/app:1"] + copyFlags)
        #expect(copied.status == 0, "\(copied.stdout) \(copied.stderr)")
        #expect(!reading.faults().isEmpty && writing.faults().contains("reset-upload"), "\(reading.faults()) \(writing.faults())")
        #expect(try transfers(copied, "push").total > 0, "\(copied.stdout)")
        #expect(try raw("docker://\(destination.host)/faulted/app:1") == raw("docker://\(source.host)/app:1"), "the index digest is kept")
        #expect(try verified("docker://\(destination.host)/faulted/app:1"))

        // A pull through the source with connections reset mid-body (one at a time, so that
        // the seeded dice fall on the same requests each run): the same layout as a direct
        // one, what was resumed or sent again counted.
        let resetting = try TestFaultProxy(in: directory, upstream: source.host, rate: 0.2, seed: 12, faults: ["reset", "truncate"])
        let out = directory.appendingPathComponent("pulled"), directOut = directory.appendingPathComponent("direct")
        let direct = try run(manifoldBinary, ["pull", "--json", "\(source.host)/app:1", "-o", directOut.path] + flags)
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(try transfers(direct, "output").total == 0)
        let pulled = try run(manifoldBinary, ["pull", "--json", "--jobs", "1", "\(resetting.host)/app:1", "-o", out.path] + flags)
        #expect(pulled.status == 0, "\(pulled.stdout) \(pulled.stderr)")
        #expect(try transfers(pulled, "output").total > 0, "\(pulled.stdout) \(resetting.faults())")
        #expect(try shell("diff -r '\(directOut.path)' '\(out.path)' && echo same").contains("same"))
    }

    /// `push --compress`: a layer compressed as it is sent, cut off or dropped by the registry
    /// part-way, is compressed and sent again from its start (its digest is known only at the
    /// end, so there is no resuming a part); every push lands whole. Several pushes, so that
    /// the dice cut some uploads; `--verify-present` so that none finds the layers by the cache.
    @Test(.requires(.dockerRegistry))
    func compressedUploadsCutOffAreCompressedAndSentAgain() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let proxy = try TestFaultProxy(in: directory, upstream: registry.host, rate: 0.15, seed: 7, uploads: true)
        for round in 0..<8 {
            let pushing = try run("/usr/bin/env", ["XDG_CACHE_HOME=\(directory.appendingPathComponent("cache").path)", manifoldBinary,
                                                   "push", "--json", "--compress", "gzip", "--verify-present", fixture("docker-24.tar"),
                                                   "\(proxy.host)/compressed\(round)/app:1"] + flags)
            #expect(pushing.status == 0, "round \(round): \(pushing.stdout) \(pushing.stderr)")
            #expect(try verified("docker://\(registry.host)/compressed\(round)/app:1"))
        }
        #expect(proxy.faults().contains("reset-upload"), "no upload was cut off: \(proxy.faults())")
    }

    /// Chunked uploads (what blobs above 256 MiB use; forced here with a small threshold) cut
    /// off part-way through a PATCH: docker-registry then refuses the upload (its state names
    /// the old offset: 404 BLOB_UPLOAD_INVALID to the status asked for the `Range`), so the blob
    /// is read and sent again in a new upload; the image lands whole and the restarts are
    /// counted. (Resuming from `Range` where a registry allows it: PushProtocolTests.)
    @Test(.requires(.dockerRegistry))
    func chunkedUploadsCutOffAreSentAgainWhenTheRegistryDropsThem() throws {
        let registry = try TestRegistry(in: directory, .plainHTTP)
        let proxy = try TestFaultProxy(in: directory, upstream: registry.host, rate: 0.1, seed: 5, uploads: true)
        let client = try RegistryOptions(verifiesTLS: false).client(host: proxy.host, retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10)))
        let sink = RegistryContentSink(repository: try RepositoryReference(parsing: "\(proxy.host)/chunked/app"), client: client,
                                       chunkedAbove: 1000, chunkSize: 512 << 10)
        var options = PushOptions()
        options.tags = ["1"]
        options.verify.jobs = 1
        let reference = try LocalImageReference(parsing: "\(layout.path):img1")
        let result = try ImagePusher(options: options).push(try reference.open(limits: ImageLimits()), reference: reference, into: sink)
        #expect(result.report.status == .verified, "\(result.report.results.flatMap(\.problems).map(\.message))")
        #expect(proxy.faults().contains("reset-upload"), "\(proxy.faults())")
        let counted = client.tally.byDigest.values.map { $0.retries + $0.resumed }.reduce(0, +)
        #expect(counted > 0, "\(client.tally.byDigest)")
        #expect(try verified("docker://\(registry.host)/chunked/app:1"))
    }
}
