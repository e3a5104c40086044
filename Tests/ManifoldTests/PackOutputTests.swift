import Foundation
import Testing
@testable import Manifold

/// What `pack` does to the place it writes, run through the binary as a user would: what
/// --force may replace, what an interrupted or killed run leaves, standard output, and the
/// checks made before anything is written.
@Suite struct PackOutputTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The hidden temporaries beside the outputs in `directory`.
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".manifold-") }.sorted()
    }

    @Test(arguments: [
        ("user files", ["important.txt": "keep"], [String](), "no oci-layout file"),
        ("a layout with a stranger", ["oci-layout": "{}", "index.json": "{}", "notes.txt": "keep"], [], "\"notes.txt\""),
        ("a directory among the blobs", ["oci-layout": "{}", "blobs/sha256/sub/file": "keep"], [], "blobs/sha256/sub"),
        ("a file where blobs/ should be", ["oci-layout": "{}", "blobs": "keep"], [], "blobs is not a directory"),
    ])
    func forceNeverEmptiesADirectoryPackDidNotWrite(_ shape: String, _ files: [String: String], _ unused: [String], _ words: String) throws {
        let out = directory.appendingPathComponent("out")
        for (name, content) in files {
            let file = out.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: file)
        }
        let before = try tree(out)
        let result = try run(manifoldBinary, ["pack", "--force", "-o", out.path, fixture("docker-24.tar")])
        #expect(result.status == 2, "\(shape): \(result.stderr)")
        #expect(result.stderr.contains("--force replaces only an OCI layout directory"), "\(shape): \(result.stderr)")
        #expect(result.stderr.contains(words), "\(shape): \(result.stderr)")
        #expect(try tree(out) == before, "\(shape)")
        #expect(try leftovers() == [])
    }

    @Test func forceReplacesOnlyWhatPackWrites() throws {
        // A layout pack wrote is replaced; so is a regular file by a tar output.
        let layout = path("layout")
        #expect(try run(manifoldBinary, ["pack", "-o", layout, fixture("docker-24.tar")]).status == 0)
        let replaced = try run(manifoldBinary, ["pack", "--force", "-o", layout, fixture("docker-25.tar")])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try run(manifoldBinary, ["inspect", "--tree", layout]).stdout.contains("linux/arm64"))

        let file = path("old.tar")
        try Data("an old archive".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try run(manifoldBinary, ["pack", "--force", "-o", file, fixture("docker-24.tar")]).status == 0)
        #expect(try run(manifoldBinary, ["verify", "-q", file]).status == 0)

        // A tar output never replaces a directory, nor a layout output a file.
        let dirForTar = path("dir.tar")
        try FileManager.default.createDirectory(atPath: dirForTar, withIntermediateDirectories: false)
        let refused = try run(manifoldBinary, ["pack", "--force", "-o", dirForTar, fixture("docker-24.tar")])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("it is a directory, and the output is an oci-archive"))
        let refusedFile = try run(manifoldBinary, ["pack", "--force", "--format", "dir", "-o", file, fixture("docker-24.tar")])
        #expect(refusedFile.status == 2)
        #expect(refusedFile.stderr.contains("it is not a directory"))
        #expect(try run(manifoldBinary, ["verify", "-q", file]).status == 0)
        #expect(try leftovers() == [])
    }

    /// A layout whose one layer is a 4 GiB sparse file: pack is still copying it when the
    /// signal comes. Its digest is made up; the run never gets to check it.
    func slowInput() throws -> String {
        try sparseLayerLayout(in: directory)
    }

    /// Starts `pack -o OUT slow`, waits until its temporary exists, sends `signal`, and
    /// returns its exit status (128 + n for a signal it handled; -n if it died of it).
    func interruptedPack(_ out: String, _ signal: Int32, input: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["pack", "-o", out, input]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = false
        for _ in 0..<400 where !started {
            started = try leftovers().contains { $0.hasPrefix(".\(URL(fileURLWithPath: out).lastPathComponent).manifold-\(process.processIdentifier)-") }
            if !started { usleep(25_000) }
        }
        #expect(started, "pack did not start writing")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP], ["out.tar", "out"])
    func anInterruptedPackRemovesWhatItWrote(_ signal: Int32, _ name: String) throws {
        let input = try slowInput()
        let status = try interruptedPack(path(name), signal, input: input)
        #expect(status == 128 + signal)
        #expect(try leftovers() == [])
        #expect(!FileManager.default.fileExists(atPath: path(name)))
    }

    @Test func aKilledPacksLeftoversAreRemovedByTheNextRun() throws {
        let input = try slowInput()
        #expect(try interruptedPack(path("out.tar"), SIGKILL, input: input) == -SIGKILL)
        let left = try leftovers()
        #expect(left.count == 1 && left[0].hasPrefix(".out.tar.manifold-") && left[0].hasSuffix(".tmp"))

        // Leftovers whose writer may still be at work are kept: a live PID, or a lock held
        // (a writer in another PID namespace).
        let alive = ".out.tar.manifold-\(getpid())-1.tmp"
        try Data("in progress".utf8).write(to: directory.appendingPathComponent(alive))
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let locked = ".out.tar.manifold-\(dead)-2.tmp"
        try Data("in progress elsewhere".utf8).write(to: directory.appendingPathComponent(locked))
        let lockFD = open(path(locked), O_RDONLY)
        defer { close(lockFD) }
        #expect(flock(lockFD, LOCK_EX) == 0)
        // A leftover beside another output is not this run's business.
        let other = ".other.tar.manifold-\(dead)-3.tmp"
        try Data().write(to: directory.appendingPathComponent(other))

        let next = try run(manifoldBinary, ["pack", "-o", path("out.tar"), fixture("docker-24.tar")])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try leftovers() == [alive, locked, other].sorted())
    }

    @Test func standardOutputCarriesTheArchive() throws {
        let result = try run(manifoldBinary, ["pack", "-o", "-", fixture("docker-24.tar"), fixture("docker-25.tar")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("packed - (oci-archive, tag latest)"))
        let file = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar")
        _ = try pack([fixture("docker-24.tar"), fixture("docker-25.tar")], to: file)
        #expect(result.stdoutData == (try Data(contentsOf: file)))
        // Not a directory, and no --link: both are usage errors.
        #expect(try run(manifoldBinary, ["pack", "-o", "-", "--format", "dir", fixture("docker-24.tar")]).status == 2)
    }

    @Test(arguments: [
        (["-o", "OUT.TAR"], 0, "packed"),
        (["-o", "out.tar.gz"], 2, "uncompressed oci-archive, not a .tar.gz"),
        (["-o", "out.TGZ"], 2, "not a .tgz"),
        (["--link", "-o", "out.tar"], 2, "--link places blobs in a directory output"),
        (["--link", "-o", "-"], 2, "--link places blobs in a directory output"),
        (["--tag=.hidden", "-o", "out"], 2, "--tag \".hidden\" is not a valid tag"),
        (["--tag", "a/b", "-o", "out"], 2, "is not a valid tag"),
        (["--tag", String(repeating: "x", count: 129), "-o", "out"], 2, "is not a valid tag"),
        (["--annotation", "manifest:k=v", "-o", "out"], 2, "use manifest-descriptor:"),
        (["--annotation", "manifest-descriptor[linux/s390x]:k=v", "-o", "out"], 2, "platform linux/s390x selects no image; the inputs hold linux/amd64"),
        (["--variant", "linux/s390x=v2", "-o", "out"], 2, "selects no image"),
        (["--flat", "--annotation", "index-descriptor:k=v", "-o", "out"], 2, "--flat leaves out"),
    ])
    func checkedBeforeAnythingIsWritten(_ arguments: [String], _ status: Int32, _ words: String) throws {
        let result = try run(manifoldBinary, ["pack"] + arguments + [fixture("docker-24.tar")], in: directory)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect((result.stdout + result.stderr).contains(words), "\(arguments): \(result.stderr)")
        if status != 0 {
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [], "\(arguments)")
        }
    }

    @Test func buildxAnnotationKindsLandWhereBuildxPutsThem() throws {
        let out = path("out")
        let result = try run(manifoldBinary, [
            "pack", "-o", out, fixture("docker-24.tar"), fixture("docker-25.tar"),
            "--annotation", "plain=index", "--annotation", "index:explicit=index",
            "--annotation", "index-descriptor:where=index.json",
            "--annotation", "manifest-descriptor:all=entries",
            "--annotation", "manifest-descriptor[linux/arm64]:tier=edge",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let layout = try ImageIndex(json: JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: out + "/index.json")))), declaredMediaType: nil)
        #expect(layout.manifests.first?.annotations == ["where": "index.json", "org.opencontainers.image.ref.name": "latest"])
        let index = try indexOf(URL(fileURLWithPath: out))
        #expect(index.annotations == ["plain": "index", "explicit": "index"])
        #expect(index.manifests.map { $0.annotations ?? [:] } == [["all": "entries"], ["all": "entries", "tier": "edge"]])
    }
}
