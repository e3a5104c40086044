import Foundation
import Glibc
import Testing
@testable import Manifold

/// Issue 12's "the next run fetches only what is missing": a pull SIGKILLed mid-way leaves
/// its staging directory (nothing can remove it); the next pull of the same OUT takes the
/// blobs that run had completed — checked again — instead of fetching them, and removes the
/// dead run's directory; a damaged one is found so and fetched. Against the hostile registry's `slow` image (0.3 s before each
/// manifest and blob), whose request log shows what each run fetched.
@Suite struct ResumedPullTests {
    let directory: URL
    let work: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    /// The blobs a running pull into `work/out` has completed so far (`sha256-HEX` in its
    /// staging directory).
    func completeBlobs() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        return names.filter { $0.hasPrefix(".out.manifold-") }.reduce(0) { count, name in
            let staging = work.appendingPathComponent(name).path
            return count + ((try? FileManager.default.contentsOfDirectory(atPath: staging))?.filter { $0.hasPrefix("sha256-") }.count ?? 0)
        }
    }

    /// The blob GETs (path `/v2/…/blobs/DIGEST`) logged so far, by digest.
    func blobGets(_ registry: TestHostileRegistry) -> [String] {
        registry.requests().compactMap { request in
            guard request["method"] as? String == "GET", let path = request["path"] as? String, let range = path.range(of: "/blobs/") else { return nil }
            return String(path[range.upperBound...])
        }
    }

    @Test func aPullAfterAKilledOneFetchesOnlyWhatWasMissing() throws {
        let registry = try TestHostileRegistry(in: directory)
        let out = work.appendingPathComponent("out")
        // --remove-signatures: the image's own requests only (the lookups of its signatures,
        // 404s that take 0.3 s each on this registry, would only slow every trial down).
        let noAuth = ["--authfile", directory.appendingPathComponent("no-auth.json").path, "--remove-signatures"]
        var recoveredAny = false, damagedAny = false
        // Kill points, each twice (kept, then damaged): once the dead run has completed one
        // blob, once it has completed two, and early (which may find none complete). Waited for
        // by watching its staging, not by the clock: a sanitized binary is several times slower.
        for (trial, point) in [1, 1, 2, 2, 0, 0].enumerated() {
            try? FileManager.default.removeItem(at: out)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: manifoldBinary)
            process.arguments = ["pull", "--jobs", "1", registry.image("slow"), "-o", out.path] + noAuth
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if point == 0 {
                usleep(1_200_000)
            } else {
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning, completeBlobs() < point, Date() < deadline { usleep(10_000) }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard process.terminationReason == .uncaughtSignal else { continue }
            // Killed after its work was done (OUT in place, only its exit left: a poll delayed
            // on a loaded machine): not a kill inside a run, and the next run has nothing to do.
            if FileManager.default.fileExists(atPath: out.path) { continue }
            // Every other trial, a complete blob of the dead run is damaged (same size, one
            // byte changed): it must be checked again, found wrong and fetched, not taken.
            var damaged: String?
            for name in try FileManager.default.contentsOfDirectory(atPath: work.path) where name.hasPrefix(".out.manifold-") {
                let staging = work.appendingPathComponent(name)
                let complete = (try? FileManager.default.contentsOfDirectory(atPath: staging.path).filter { $0.hasPrefix("sha256-") }) ?? []
                guard trial % 2 == 1, let blob = complete.first else { continue }
                let handle = try FileHandle(forUpdating: staging.appendingPathComponent(blob))
                try handle.seek(toOffset: 0)
                let first = try handle.read(upToCount: 1) ?? Data([0])
                try handle.seek(toOffset: 0)
                try handle.write(contentsOf: Data([first[0] ^ 0xFF]))
                try handle.close()
                damaged = "sha256:" + blob.dropFirst("sha256-".count)
                break
            }
            // What the killed run had fetched whole (its staging, as the next run will find it).
            let fetchedBefore = blobGets(registry)
            let next = try run(manifoldBinary, ["pull", "--json", "--jobs", "1", registry.image("slow"), "-o", out.path] + noAuth)
            #expect(next.status == 0, "trial \(trial): \(next.stderr)")
            guard case .object(let root) = try JSONParser.parse(Array(next.stdoutData)), case .object(let output)? = root["output"],
                  case .number(let recoveredText)? = output["recovered"], let recovered = Int(recoveredText) else {
                Issue.record("trial \(trial): no output.recovered in \(next.stdout)")
                continue
            }
            let fetchedAgain = Array(blobGets(registry).dropFirst(fetchedBefore.count))
            // Every blob is fetched once across the two runs, except those the killed run had
            // only begun (fetched again): exactly `recovered` blobs were not fetched again.
            let again = Set(fetchedAgain).intersection(fetchedBefore)
            #expect(Set(fetchedBefore).count - again.count == recovered, "trial \(trial): before \(fetchedBefore), again \(fetchedAgain), recovered \(recovered)")
            if recovered > 0 { recoveredAny = true }
            if let damaged {
                damagedAny = true
                #expect(fetchedAgain.contains(damaged), "trial \(trial): the damaged blob was taken, not fetched again")
            }
            // Nothing left beside OUT: the dead run's staging was taken over and removed.
            #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["out"], "trial \(trial)")
            let verified = try run(manifoldBinary, ["verify", out.path])
            #expect(verified.status == 0, "trial \(trial): \(verified.stdout)")
        }
        #expect(recoveredAny, "no kill left a complete blob to take over")
        #expect(damagedAny, "no damaged trial left a complete blob to damage")
    }
}
