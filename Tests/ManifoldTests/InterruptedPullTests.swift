import Foundation
import Glibc
import Testing
@testable import Manifold

/// Issue 12's "nothing lost": a pull killed at any point (SIGINT, SIGTERM, SIGKILL) leaves
/// OUT as it was, absent or the previous layout intact; the next run leaves no temporary file
/// behind; two pulls into one OUT at once leave one whole layout. Against the hostile
/// registry's `slow` fault (0.3 s before each manifest and blob), so that a pull lasts a couple
/// of seconds and a kill lands inside it.
@Suite struct InterruptedPullTests {
    let directory: URL
    let work: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = arguments + ["--authfile", directory.appendingPathComponent("no-auth.json").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every file under `url` with its bytes, by relative path (empty when absent).
    func snapshot(_ url: URL) throws -> [String: Data] {
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        var files: [String: Data] = [:]
        for case let file as URL in walker where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(file.path.dropFirst(url.path.count))] = try Data(contentsOf: file)
        }
        return files
    }

    @Test func aKilledPullLeavesOutAsItWasAndTheNextRunLeavesNoTemporaryFile() throws {
        let registry = try TestHostileRegistry(in: directory)
        let out = work.appendingPathComponent("out")
        let signals: [Int32] = [SIGINT, SIGTERM, SIGKILL]
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<12 {
            // Half the trials replace a previous layout (--force), half pull into nothing.
            let replacing = trial % 2 == 1
            if replacing, !FileManager.default.fileExists(atPath: out.path) {
                #expect(try run(manifoldBinary, ["pull", registry.image("ok"), "-o", out.path, "--authfile", "/nonexistent/a.json"]).status == 0)
            }
            if !replacing { try? FileManager.default.removeItem(at: out) }
            let before = try snapshot(out)
            let signal = signals[trial % signals.count]
            let process = try start(["pull", registry.image("slow"), "-o", out.path] + (replacing ? ["--force"] : []))
            usleep(UInt32.random(in: 50_000...2_000_000, using: &generator))
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let after = try snapshot(out)
            if process.terminationStatus == 0 && process.terminationReason == .exit {
                // The pull finished before the signal: a whole layout.
                #expect(after["/index.json"] != nil, "trial \(trial)")
            } else {
                #expect(after == before, "trial \(trial), signal \(signal): OUT changed (\(before.count) → \(after.count) files)")
            }
            // The next run cleans up whatever the killed one left, and finishes.
            let next = try run(manifoldBinary, ["pull", registry.image("ok"), "-o", out.path, "--force", "--authfile", "/nonexistent/a.json"])
            #expect(next.status == 0, "trial \(trial): \(next.stderr)")
            let entries = try FileManager.default.contentsOfDirectory(atPath: work.path)
            #expect(entries == ["out"], "trial \(trial), signal \(signal): left \(entries)")
        }
    }

    @Test func twoPullsIntoOneOutLeaveOneWholeLayout() throws {
        let registry = try TestHostileRegistry(in: directory)
        let out = work.appendingPathComponent("out")
        let first = try start(["pull", registry.image("slow"), "-o", out.path])
        let second = try start(["pull", registry.image("slow"), "-o", out.path])
        first.waitUntilExit()
        second.waitUntilExit()
        let statuses = [first.terminationStatus, second.terminationStatus].sorted()
        #expect(statuses == [0, 2], "\(statuses)")
        let verified = try run(manifoldBinary, ["verify", out.path])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["out"])
    }
}
