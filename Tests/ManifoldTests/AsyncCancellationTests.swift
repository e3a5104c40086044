import Dispatch
import Foundation
import Testing
import Manifold

/// verify, inspect (`ResolvedImage.open`) and pack from Swift concurrency, through the public
/// API only: they give what the blocking calls give, and a cancelled task stops them — in the
/// middle of a 4 GiB layer — with `CancellationError`, leaving no output and no temporary.
///
/// No test asserts a duration: a call that does not return within a generous bound fails
/// the test instead of hanging it. Serialized: three 4 GiB reads at once would only test
/// the machine.
@Suite(.serialized) struct AsyncCancellationTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @Test func theAsyncCallsGiveWhatTheBlockingOnesGive() async throws {
        let report = try await Verifier().verify(fixture("oci-two-platforms"))
        let blocking = synchronously { Verifier().verify(fixture("oci-two-platforms")) }
        #expect(report.status == .verified)
        #expect(report.results.map(\.digest) == blocking.results.map(\.digest))
        #expect(report.platforms == blocking.platforms)
        #expect(try await Verifier().verify(parsing: fixture("docker-25.tar") + ":nope").status == .unusable)

        let image = try await ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms")))
        #expect(image.manifests.compactMap { $0.platform?.architecture }.sorted() == ["amd64", "arm64"])
        #expect(image.source.location == fixture("oci-two-platforms"))
        #expect(image.source.kind == (try synchronously { try ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms"))) }).source.kind)

        let out = path("multi.tar")
        let packed = try await Packer(options: PackOptions(inputs: [try LocalImageReference(parsing: fixture("docker-24.tar")),
                                                                    try LocalImageReference(parsing: fixture("docker-25.tar"))],
                                                           output: out)).pack()
        #expect(packed.entries.count == 2)
        #expect(synchronously { Verifier().verify(out) }.status == .verified)
    }

    /// Calls may run at once, on the same image and on different ones, each with its own
    /// threads: more of them than the machine has cores (or the concurrency pool threads).
    @Test func manyCallsAtOnce() async throws {
        let images = ["oci-two-platforms", "docker-24.tar", "docker-25.tar"]
        let statuses = try await withThrowingTaskGroup(of: VerificationReport.Status.self) { group in
            for round in 0..<12 {
                group.addTask { try await Verifier().verify(fixture(images[round % images.count])).status }
            }
            for round in 0..<4 {
                group.addTask {
                    let image = try await ResolvedImage.open(try LocalImageReference(parsing: fixture(images[round % images.count])))
                    return image.manifests.isEmpty ? .failed : .verified
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: .verified, count: 16))
    }

    /// An image that fails still fails, with the blocking call's error: cancellation is not
    /// what an async call reports when nobody cancelled.
    @Test func anAsyncFailureIsTheBlockingFailure() async throws {
        let missing = try LocalImageReference(parsing: path("absent"))
        let blocking = #expect(throws: ManifoldError.self) { try synchronously { try ResolvedImage.open(missing) } }
        await #expect { try await ResolvedImage.open(missing) } throws: { error in
            (error as? ManifoldError)?.message == blocking?.message
        }
        let options = PackOptions(inputs: [missing], output: path("out"))
        await #expect(throws: ManifoldError.self) { try await Packer(options: options).pack() }
        #expect(try leftovers() == [])
    }

    @Test func aVerifyCancelledInTheMiddleOfALayerThrowsCancellationError() async throws {
        let input = try sparseLayerLayout(in: directory, size: readOnlyLayerSize)
        let reading = Locked(UInt64(0))
        let task = Task { try await Verifier().verify(input) { done, _ in reading.withLock { $0 = done } } }
        #expect(try await waitUntil { reading.withLock { $0 > 0 } }, "verify did not start reading the layer")
        task.cancel()
        let outcome = try #require(await result(of: task), "a cancelled verify did not return")
        #expect(throws: CancellationError.self) { try outcome.get() }
        // It stopped mid-layer: far from all of the 4 GiB was read.
        #expect(reading.withLock { $0 } < UInt64(readOnlyLayerSize))
    }

    @Test func aTaskCancelledBeforeItStartsReadsNothing() async throws {
        let verify = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Verifier().verify(fixture("oci-two-platforms"))
        }
        let open = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ResolvedImage.open(try LocalImageReference(parsing: fixture("oci-two-platforms")))
        }
        let verified = try #require(await result(of: verify))
        #expect(throws: CancellationError.self) { try verified.get() }
        let opened = try #require(await result(of: open))
        #expect(throws: CancellationError.self) { try opened.get() }
    }

    /// The walk stops: once the task is cancelled, not one more document is asked of the
    /// provider.
    @Test func aCancelledWalkAsksTheProviderForNothingMore() async throws {
        let provider = try GatedProvider(layout: URL(fileURLWithPath: fixture("oci-two-platforms")))
        let task = Task { try await Verifier().verify(provider) }
        #expect(try await waitUntil { provider.reads.withLock { $0 } > 0 }, "verify did not read index.json")
        task.cancel()
        let readsWhenCancelled = provider.reads.withLock { $0 }
        provider.gate.signal()  // let the read in progress return
        let outcome = try #require(await result(of: task), "a cancelled verify did not return")
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(provider.reads.withLock { $0 } == readsWhenCancelled)
    }

    @Test(arguments: ["out.tar", "out"])
    func aPackCancelledInTheMiddleOfALayerLeavesNothing(_ name: String) async throws {
        let input = try sparseLayerLayout(in: directory)
        let out = path(name)
        let task = Task { try await Packer(options: PackOptions(inputs: [try LocalImageReference(parsing: input)], output: out)).pack() }
        // Watched from a thread of its own, not an async loop: that waits for a cooperative
        // thread, which other tests' blocking work may hold until the pack has ended.
        let started = LockedBox(false)
        let directory = self.directory
        Thread {
            for _ in 0..<30_000 {
                if (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.contains(where: { $0.hasPrefix(".\(name).manifold-") }) == true {
                    started.value = true
                    task.cancel()
                    return
                }
                usleep(10_000)
            }
        }.start()
        let outcome = try #require(await result(of: task), "a cancelled pack did not return")
        #expect(started.value, "pack did not start writing")
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(try leftovers() == [])
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A sink of the caller's own is aborted, never committed, when the task is cancelled
    /// while a layer streams into it.
    @Test func aCancelledPackAbortsTheCallersSink() async throws {
        let input = try sparseLayerLayout(in: directory, size: readOnlyLayerSize)
        let log = Locked(SinkLog())
        let task = Task {
            try await Packer(options: PackOptions(inputs: [try LocalImageReference(parsing: input)], output: "registry"))
                .pack(into: CountingSink(log: log))
        }
        #expect(try await waitUntil { log.withLock { $0.bytes } > 0 }, "pack did not start streaming the layer")
        task.cancel()
        let outcome = try #require(await result(of: task), "a cancelled pack did not return")
        #expect(throws: CancellationError.self) { try outcome.get() }
        let final = log.withLock { $0 }
        #expect(final.commits == 0)
        #expect(final.aborts >= 1)
        #expect(final.bytes < UInt64(readOnlyLayerSize))
    }

    // MARK: helpers

    /// The hidden temporaries beside the outputs in `directory`.
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".manifold-") }.sorted()
    }
}


/// A layer size for tests that only read it (verify, a counting sink): far more than a late
/// cancellation lets through, and never written to disk.
let readOnlyLayerSize = 64 << 30

/// Calls `body` from a synchronous context, where the blocking overloads are the ones chosen
/// (in an async context the async ones are), as docs/library.md tells users to.
private func synchronously<Value>(_ body: () throws -> Value) rethrows -> Value {
    try body()
}

/// Polls `condition` every 10 ms, 30,000 times (5 minutes or more); false if it never held.
private func waitUntil(_ condition: () throws -> Bool) async throws -> Bool {
    for _ in 0..<30_000 {
        if try condition() { return true }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    return false
}

/// The task's result, or nil when it has none within `seconds`: a test of cancellation fails
/// rather than hangs when the work does not stop.
private func result<Value: Sendable>(of task: Task<Value, any Error>, within seconds: Int = 600) async -> Result<Value, any Error>? {
    let once = Locked(false)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, any Error>?, Never>) in
        @Sendable func finish(_ outcome: Result<Value, any Error>?) {
            guard once.withLock({ done in defer { done = true }; return !done }) else { return }
            continuation.resume(returning: outcome)
        }
        Task { finish(await task.result) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { finish(nil) }
    }
}

/// An OCI layout served from memory through the public provider protocol, whose first read
/// (index.json) waits for the test's go-ahead, so the test can cancel mid-walk.
private final class GatedProvider: ContentProvider {
    let index: [UInt8]
    let blobs: [Digest: [UInt8]]
    let reads = Locked(0)
    let gate = DispatchSemaphore(value: 0)
    var location: String { "memory" }

    init(layout: URL) throws {
        var blobs: [Digest: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: layout.appendingPathComponent("blobs/sha256").path) {
            blobs[try Digest(parsing: "sha256:" + name)] = Array(try Data(contentsOf: layout.appendingPathComponent("blobs/sha256/" + name)))
        }
        self.blobs = blobs
        index = Array(try Data(contentsOf: layout.appendingPathComponent("index.json")))
    }

    func roots() throws -> [ContentRoot] { [.index] }

    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        let first = reads.withLock { count in defer { count += 1 }; return count == 0 }
        if first { gate.wait() }
        return root == .index ? index : nil
    }

    func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        reads.withLock { $0 += 1 }
        guard let bytes = blobs[descriptor.digest] else { return nil }
        return StoredFile(path: "memory/\(descriptor.digest)", size: UInt64(bytes.count), identity: descriptor.digest.description) {
            MemoryChunks(bytes: bytes)
        }
    }
}

private struct MemoryChunks: BlobChunkIterator {
    let bytes: [UInt8]
    var offset = 0
    mutating func next() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(offset + 65_536, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// What a ``CountingSink`` was given, kept where the test can read it after handing the sink
/// over to the pack.
private struct SinkLog: Sendable {
    var bytes: UInt64 = 0
    var commits = 0
    var aborts = 0
}

/// A destination of the caller's own that counts what it is given.
private final class CountingSink: ContentSink {
    let log: Locked<SinkLog>
    init(log: Locked<SinkLog>) { self.log = log }

    func putBlob(_ descriptor: Descriptor, from body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try body { chunk in log.withLock { $0.bytes += UInt64(chunk.count) } }
    }

    func putDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws {}
    func setTag(_ tag: String?, for descriptor: Descriptor) throws {}
    func commit() throws { log.withLock { $0.commits += 1 } }
    func abort() { log.withLock { $0.aborts += 1 } }
}
