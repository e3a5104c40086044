import Foundation
import Testing
@testable import Manifold

/// `pack --push REF` without `-o` streams into the registry, writing nothing to $TMPDIR: an
/// interrupted or killed run leaves no file there and no tag at the registry, and the next
/// run publishes.
/// The registry (upload_server.py --stall-put) never answers a blob PUT, so the run is
/// always in the middle of a blob when the signal comes.
@Suite struct PackPushInterruptTests {
    let directory: URL
    let temporary: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        temporary = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: temporary.path).sorted()
    }

    /// Starts `pack --push` into `server` with TMPDIR set to `temporary`.
    func packPush(_ server: TestUploadServer, repository: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["pack", "--push", "\(server.host)/\(repository):v1", "--tls-verify=false",
                             "--authfile", directory.appendingPathComponent("no-auth.json").path, fixture("oci-two-platforms")]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts `pack --push` against a registry that stalls every blob PUT, waits until one
    /// is being sent, sends `signal`; returns the exit status (128 + n when handled, -n when
    /// the process died of it).
    func interrupted(_ signal: Int32, server: TestUploadServer) throws -> Int32 {
        let process = try packPush(server, repository: "stalled/app")
        var sending = false
        for _ in 0..<1200 where !sending && process.isRunning {
            sending = try server.requests().contains { $0.method == "PUT" && $0.path.contains("/blobs/uploads/") && $0.length > 0 }
            if !sending { usleep(25_000) }
        }
        #expect(sending, "pack --push did not start sending a blob")
        #expect(try temporaryFiles() == [], "nothing is written to $TMPDIR while the push runs")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedPackPushLeavesNoFileAndWritesNoTag(_ signal: Int32) throws {
        let server = try TestUploadServer(in: directory, ["--stall-put"])
        #expect(try interrupted(signal, server: server) == 128 + signal)
        #expect(try temporaryFiles() == [])
        #expect(try !server.requests().contains { $0.path.contains("/manifests/") }, "a manifest or tag was written")
    }

    @Test func aKilledPackPushLeavesNoFileAndTheNextRunPublishes() throws {
        let stalled = try TestUploadServer(in: directory, ["--stall-put"])
        #expect(try interrupted(SIGKILL, server: stalled) == -SIGKILL)
        #expect(try temporaryFiles() == [])
        #expect(try !stalled.requests().contains { $0.path.contains("/manifests/") }, "a manifest or tag was written")

        let server = try TestUploadServer(in: directory)
        let next = try packPush(server, repository: "next/app")
        next.waitUntilExit()
        #expect(next.terminationStatus == 0)
        #expect(try temporaryFiles() == [])
        #expect(try server.requests().last?.path.hasSuffix("/manifests/v1") == true, "the tag is written last")
    }
}
