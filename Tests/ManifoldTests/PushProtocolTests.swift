import Foundation
import Testing
@testable import Manifold
@testable import ManifoldRegistry

/// Vectors/registry/upload_server.py on 127.0.0.1: a registry's write side in memory, with
/// relative upload Locations whose query changes each answer, and the quirks chosen by
/// `options` (`--min-chunk N`, `--drop-once`, `--refuse-mount`, `--wrong-digest`).
final class TestUploadServer {
    let port: Int
    let log: URL
    private let server: TestServerProcess

    init(in directory: URL, _ options: [String] = []) throws {
        let name = "upload-\(UUID().uuidString.prefix(8))"
        let portFile = directory.appendingPathComponent("\(name).port")
        log = directory.appendingPathComponent("\(name).requests")
        server = try TestServerProcess("upload server", [
            "python3", vectorsDirectory.appendingPathComponent("registry/upload_server.py").path,
            "--port-file", portFile.path, "--log", log.path,
        ] + options, log: directory.appendingPathComponent("\(name).log"))
        port = try server.waitForPortFile(portFile)
    }

    var host: String { "127.0.0.1:\(port)" }

    /// The requests so far: method, path with query, Content-Range, body length.
    func requests() throws -> [(method: String, path: String, range: String?, length: Int)] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard case .object(let fields) = try JSONParser.parse(Array(line.utf8)),
                  case .string(let method)? = fields["method"], case .string(let path)? = fields["path"],
                  case .number(let length)? = fields["length"] else {
                throw ManifoldError(.internalFailure, "bad log line \(line)")
            }
            var range: String?
            if case .string(let value)? = fields["range"] { range = value }
            return (method, path, range, Int(length) ?? -1)
        }
    }
}

/// What docker-registry cannot show of the write side: chunked uploads that honour
/// `OCI-Chunk-Min-Length`, resuming from `Range` after a dropped connection, Locations kept
/// whole, a refused mount, and a registry that stores a manifest under another digest.
@Suite struct PushProtocolTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func sink(_ server: TestUploadServer, _ repository: String, mountSource: String? = nil, chunkedAbove: UInt64 = 256 << 20,
              chunkSize: Int = 8 << 20) throws -> RegistryContentSink {
        let options = RegistryOptions(verifiesTLS: false)
        let client = try options.client(host: server.host, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10)))
        return RegistryContentSink(
            repository: try RepositoryReference(parsing: "\(server.host)/\(repository)"), client: client,
            mountSource: try mountSource.map { try RepositoryReference(parsing: "\(server.host)/\($0)") },
            chunkedAbove: chunkedAbove, chunkSize: chunkSize)
    }

    func push(_ layout: String, into sink: RegistryContentSink, tag: String = "v1") throws -> PushResult {
        var options = PushOptions()
        options.tags = [tag]
        options.verify.jobs = 2
        let reference = try LocalImageReference(parsing: layout)
        return try ImagePusher(options: options).push(try reference.open(limits: ImageLimits()), reference: reference, into: sink)
    }

    /// A large blob goes up in PATCH chunks no shorter than the registry's minimum (only the
    /// last may be), each at the offset the last ended; the first chunk's connection drops
    /// half-way, and the upload resumes from the registry's Range; every request after the
    /// POST goes to the Location last given, query and all; the tag is the last request.
    @Test func chunkedUploadHonoursTheMinimumAndResumesFromRange() throws {
        let server = try TestUploadServer(in: directory, ["--min-chunk", "300000", "--drop-once"])
        let layout = try largeLayerLayout(in: directory, size: 1_000_000)
        let result = try push(layout, into: sink(server, "up/app", chunkedAbove: 1000, chunkSize: 100_000))
        let requests = try server.requests()
        #expect(result.report.status == .verified, "\(result.report.results.flatMap(\.problems).map(\.message)) \(requests)")
        #expect(result.top != nil)
        let patches = requests.filter { $0.method == "PATCH" }
        // The dropped one (half its body), a resume of its rest, then chunks of 300000 at
        // least (the registry's minimum, above our 100000), the last one shorter.
        #expect(patches.count >= 4, "\(patches)")
        let accepted = patches.filter { $0.range?.hasPrefix("300000-") == true || $0.range?.hasPrefix("600000-") == true }
        #expect(accepted.count == 2 && accepted.allSatisfy { $0.length == 300_000 }, "\(patches)")
        #expect(patches.last?.range == "900000-999999", "\(patches)")
        // After the drop (curl may send the chunk again whole on a new connection: refused
        // with 416), GET status, then the rest of that chunk from where the registry stopped.
        let dropIndex = try #require(requests.firstIndex { $0.method == "PATCH" })
        let resumedIndex = try #require(requests.firstIndex { $0.method == "PATCH" && $0.range == "\(patches[0].length)-299999" },
                                        "\(requests)")
        #expect(requests[dropIndex..<resumedIndex].contains { $0.method == "GET" }, "\(requests[dropIndex...resumedIndex])")
        // Every upload request carried a _state (the Location kept whole, query included).
        for request in requests where request.path.contains("/blobs/uploads/") && request.method != "POST" {
            #expect(request.path.contains("_state="), "\(request.path)")
        }
        #expect(requests.last?.method == "PUT" && requests.last?.path.hasSuffix("/manifests/v1") == true, "\(requests.suffix(3))")
        #expect(!requests.contains { $0.length == -1 }, "a request went to a stale Location")
    }

    /// A one-request upload cut off half-way: the blob is read and sent again in a new upload,
    /// and the push completes.
    @Test func aStreamedUploadCutOffIsSentAgain() throws {
        let server = try TestUploadServer(in: directory, ["--drop-put-once"])
        let layout = try largeLayerLayout(in: directory, size: 2_000_000)
        let result = try push(layout, into: sink(server, "again/app"))
        let requests = try server.requests()
        #expect(result.report.status == .verified, "\(result.report.results.flatMap(\.problems).map(\.message)) \(requests)")
        let puts = requests.filter { $0.method == "PUT" && $0.path.contains("/blobs/uploads/") && $0.length > 1000 }
        #expect(puts.count >= 2, "\(puts)")
        #expect(requests.filter { $0.method == "POST" }.count >= 3, "a new upload for the blob sent again")
        #expect(requests.last?.path.hasSuffix("/manifests/v1") == true)
    }

    /// A blob of another repository is mounted (201: no bytes); a refused mount (202) goes on
    /// as an upload at the Location it gave.
    @Test(arguments: [false, true])
    func mountOrUploadWhenTheMountIsRefused(_ refuse: Bool) throws {
        let server = try TestUploadServer(in: directory, refuse ? ["--refuse-mount"] : [])
        let layout = fixture("oci-two-platforms") + ":amd64"
        _ = try push(layout, into: sink(server, "source/app"))
        let result = try push(layout, into: sink(server, "copy/app", mountSource: "source/app"))
        #expect(result.report.status == .verified)
        let layers = result.blobs
        #expect(!layers.isEmpty)
        #expect(layers.allSatisfy { $0.placement == (refuse ? .uploaded : .mounted) }, "\(layers)")
        #expect(result.bytesSent == (refuse ? layers.map(\.size).reduce(0, +) : 0))
        let requests = try server.requests()
        #expect(requests.contains { $0.method == "POST" && $0.path.contains("mount=sha256:") && $0.path.contains("from=source/app") })
    }

    /// A registry that says it stored a manifest under another digest is an error (exit 1
    /// class: content), and the tag is not written after it.
    @Test func aManifestStoredUnderAnotherDigestIsRefused() throws {
        let server = try TestUploadServer(in: directory, ["--wrong-digest"])
        let error = #expect(throws: ManifoldError.self) { try push(fixture("oci-two-platforms") + ":amd64", into: sink(server, "wrong/app")) }
        #expect(error?.code == .digestMismatch)
        #expect(error?.message.contains("stored it as sha256:0000") == true, "\(String(describing: error))")
        let requests = try server.requests()
        #expect(!requests.contains { $0.method == "PUT" && $0.path.hasSuffix("/manifests/v1") }, "the tag was written")
    }

    /// A one-request upload the registry redirects (307, as to a storage backend) after it
    /// read the body: the blob is read again from its file and sent, whole, to the redirect's
    /// Location as given (its query names the digest) — for an OCI layout and for a
    /// Docker 24 save's layers alike — and the push completes.
    @Test(arguments: ["oci-two-platforms:amd64", "docker-24.tar"])
    func aRedirectedStreamedUploadIsSentAgainWhereItWasSent(_ input: String) throws {
        let server = try TestUploadServer(in: directory, ["--redirect-put"])
        let destination = try sink(server, "redirected/app")
        let result = try push(fixture(input), into: destination)
        #expect(result.report.status == .verified)
        let requests = try server.requests()
        let stored = requests.filter { $0.method == "PUT" && $0.path.hasPrefix("/storage/redirected/app/") }
        let layers = result.blobs.filter { $0.placement == .uploaded && $0.bytesSent > 0 }
        #expect(!layers.isEmpty)
        for layer in layers {
            #expect(stored.contains { $0.path.contains("digest=\(layer.digest)") && $0.length == Int(layer.size) }, "\(layer.digest) \(stored)")
            #expect(try destination.place(Descriptor(mediaType: "application/octet-stream", digest: layer.digest, size: Int64(layer.size))) == .present)
        }
        #expect(requests.last?.path.hasSuffix("/manifests/v1") == true)
    }

    /// Blobs the registry holds already are not read: the summary and --json say so
    /// ("not read", `read: false`, `notRead`), so a layer damaged since the first push still
    /// passes on its digest. --verify-present reads them: the damage is found (exit 1) and
    /// no manifest is written.
    @Test func presentBlobsAreNotReadUnlessVerifyPresentIsGiven() throws {
        let server = try TestUploadServer(in: directory)
        let layout = try largeLayerLayout(in: directory, size: 100_000)
        let destination = "\(server.host)/present/app:v1"
        let flags = ["--tls-verify=false", "--authfile", directory.appendingPathComponent("no-auth.json").path]
        let first = try run(manifoldBinary, ["push"] + flags + [layout, destination])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.contains("not read"), "\(first.stdout)")

        // The layer (the largest blob) damaged in place, its name unchanged.
        let blobs = URL(fileURLWithPath: layout).appendingPathComponent("blobs/sha256")
        let layer = try FileManager.default.contentsOfDirectory(atPath: blobs.path).map { blobs.appendingPathComponent($0) }
            .max { try Data(contentsOf: $0).count < Data(contentsOf: $1).count }!
        var bytes = try Data(contentsOf: layer)
        bytes[50_000] ^= 0xff
        try bytes.write(to: layer)

        let again = try run(manifoldBinary, ["push"] + flags + [layout, destination])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("1 blob the destination held or mounted was not read, so checked by digest only"), "\(again.stdout)")
        let json = try run(manifoldBinary, ["push", "--json"] + flags + [layout, destination])
        guard case .object(let root) = try JSONParser.parse(Array(json.stdoutData)), case .object(let push)? = root["push"],
              case .array(let blobList)? = push["blobs"] else {
            Issue.record("no push member: \(json.stdout)")
            return
        }
        #expect(push["notRead"] == .number("1"))
        #expect(blobList.filter { if case .object(let blob) = $0 { blob["read"] == .bool(false) } else { false } }.count == 1)

        let puts = try server.requests().filter { $0.method == "PUT" && $0.path.contains("/manifests/") }.count
        let checked = try run(manifoldBinary, ["push", "--verify-present"] + flags + [layout, destination])
        #expect(checked.status == 1, "\(checked.stdout) \(checked.stderr)")
        #expect(checked.stdout.contains("mismatch"), "\(checked.stdout)")
        #expect(try server.requests().filter { $0.method == "PUT" && $0.path.contains("/manifests/") }.count == puts, "a manifest was written")
    }
}
