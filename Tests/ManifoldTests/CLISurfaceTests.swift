import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob
@testable import ManifoldCLI

/// Issue 8, items 9 and 13: the size flags' units, and one rule each for exit codes, counts,
/// help, --version and misspelled commands.
@Suite struct ByteCountTests {
    static let accepted: [(String, UInt64)] = [
        ("0", 0), ("4194304", 4_194_304), ("1B", 1), ("1b", 1),
        ("64KiB", 64 << 10), ("64kib", 64 << 10), ("64Ki", 64 << 10), ("512MiB", 512 << 20), ("512mi", 512 << 20),
        ("1GiB", 1 << 30), ("2TiB", 2 << 40),
        ("1kB", 1000), ("1KB", 1000), ("1k", 1000), ("4MB", 4_000_000), ("4mb", 4_000_000), ("4M", 4_000_000),
        ("3GB", 3_000_000_000), ("1TB", 1_000_000_000_000),
        ("8388607TiB", 8_388_607 << 40),              // the largest whole TiB below 2^63
        ("9223372036854775807", UInt64(Int64.max)),
    ]

    @Test(arguments: accepted)
    func parses(_ text: String, _ bytes: UInt64) {
        #expect(ByteCount(argument: text)?.bytes == bytes)
    }

    static let refused: [(String, ByteCount.ParseError)] = [
        ("", .notANumber), ("GiB", .notANumber), ("-1", .negative), ("-1GiB", .negative), ("+1", .notANumber),
        ("1.5GiB", .fraction), ("0.5", .fraction), ("1,5MB", .fraction),
        ("1XB", .unknownUnit("XB")), ("1 GiB", .unknownUnit(" GiB")), ("1GiBB", .unknownUnit("GiBB")),
        ("1iB", .unknownUnit("iB")), ("1PiB", .unknownUnit("PiB")), ("1bytes", .unknownUnit("bytes")),
        ("8388608TiB", .tooLarge), ("9223372036854775808", .tooLarge), ("99999999999999999999", .tooLarge),
        ("18446744073709551615GB", .tooLarge),
    ]

    @Test(arguments: refused)
    func refuses(_ text: String, _ error: ByteCount.ParseError) {
        guard case .failure(let actual) = ByteCount.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(actual == error, "\(text)")
    }

    @Test func describesInTheLargestBinaryUnitThatDividesIt() {
        #expect(ByteCount(4 << 20).description == "4MiB")
        #expect(ByteCount(128 << 20).description == "128MiB")
        #expect(ByteCount(1536 << 20).description == "1536MiB")
        #expect(ByteCount(1000).description == "1000")
        #expect(ByteCount(0).description == "0")
        for count in [ByteCount(4 << 20), ByteCount(1 << 40), ByteCount(1000), ByteCount(3 << 10)] {
            #expect(ByteCount(argument: count.description) == count)
        }
    }

    /// Every size flag on every command takes units; a bad one is a usage error naming the flag.
    @Test func everySizeFlagTakesUnits() throws {
        let image = fixture("oci-two-platforms")
        // 1KiB of decompressed layer is less than every layer here: a limit, so a failure (1).
        let limited = try run(manifoldBinary, ["verify", "--max-layer-size", "1KiB", image])
        #expect(limited.status == 1, "\(limited.stdout)")
        #expect(limited.stdout.contains("1024"), "\(limited.stdout)")
        #expect(try run(manifoldBinary, ["verify", "--max-layer-size", "1GiB", "--max-document-size", "4MB",
                                          "--max-zstd-window", "512MiB", image]).status == 0)
        // A 300-byte document limit is below every manifest here.
        let tiny = try run(manifoldBinary, ["inspect", "--max-document-size", "300B", image])
        #expect(tiny.status != 0)
        #expect(tiny.stderr.contains("300"), "\(tiny.stderr)")
        #expect(try run(manifoldBinary, ["inspect", "--max-document-size", "4MiB", image]).status == 0)

        let layer = vectorsDirectory.appendingPathComponent("compression/gzip-multi-member.gz").path
        if FileManager.default.fileExists(atPath: layer) {
            #expect(try run(manifoldBinary, ["digest", "--uncompressed", "--max-layer-size", "1kB", "--max-zstd-window", "1MiB", layer]).status == 1)
        }
        for command in [["verify", image], ["inspect", image], ["pack", "-o", "/nonexistent/out.tar", image], ["digest", image]] {
            for (flag, value, words) in [("--max-layer-size", "1.5GiB", "fractions"), ("--max-zstd-window", "12XB", "unknown unit"),
                                          ("--max-layer-size", "=-4", "negative"), ("--max-zstd-window", "99999999TiB", "too large")] {
                let arguments = value.hasPrefix("=") ? [command[0], flag + value] + command.dropFirst() : [command[0], flag, value] + command.dropFirst()
                let result = try run(manifoldBinary, arguments)
                #expect(result.status == 2, "\(arguments)")
                #expect(result.stderr.contains(flag) && result.stderr.contains(words), "\(arguments): \(result.stderr)")
            }
        }
        let small = try run(manifoldBinary, ["verify", "--max-zstd-window", "1000B", image])
        #expect(small.status == 2 && small.stderr.contains("at least 1024"))
    }
}

@Suite struct CLIRulesTests {
    @Test func versionIsPrintedFromOnePlace() throws {
        let result = try run(manifoldBinary, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == ManifoldVersion.current + "\n")
    }

    @Test func misspelledCommandsGetASuggestion() throws {
        for (word, suggestion) in [("verfy", "verify"), ("inspcet", "inspect"), ("pakc", "pack"), ("Digest", "digest"), ("ver", "verify")] {
            let result = try run(manifoldBinary, [word, "x"])
            #expect(result.status == 2, "\(word)")
            #expect(result.stderr == "manifold: unknown command '\(word)'; did you mean '\(suggestion)'?\n", "\(word)")
        }
        let far = try run(manifoldBinary, ["frobnicate"])
        #expect(far.status == 2)
        #expect(far.stderr == "manifold: unknown command 'frobnicate'; the commands are verify, inspect, pack, pull, digest, tags, ls, push, copy, tag, sign, login, logout, help\n")
        #expect(try run(manifoldBinary, ["help", "verify"]).status == 0)
        #expect(CommandSuggestion.editDistance("verfiy", "verify") == 1)
        #expect(CommandSuggestion.editDistance("", "pack") == 4)
    }

    /// Help at 80 columns: no line over 80, prose wrapped greedily (no line that could have
    /// taken the next word: what a hard-wrapped source paragraph leaves), one default each.
    @Test(arguments: [[], ["verify"], ["inspect"], ["pack"], ["pull"], ["digest"], ["tags"], ["ls"], ["push"], ["copy"], ["tag"], ["login"], ["logout"]])
    func helpFitsEightyColumns(_ command: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifoldBinary)
        process.arguments = ["help"] + command
        process.environment = ["COLUMNS": "80"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines { #expect(line.count <= 80, "\(command): \(line)") }
        for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty
            && !line.hasPrefix(" ") && !next.hasPrefix(" ") && !line.hasSuffix(":") {
            let word = next.split(separator: " ").first ?? ""
            // argument-parser keeps wrapped lines under the width: 79 characters at most.
            #expect(line.count + 1 + word.count >= 80, "\(command): premature break before \(quoted(String(word))): \(line)")
        }
        // Each option's help (its lines up to the next option) names its default at most once.
        let options = text.components(separatedBy: "\n  -")
        for option in options { #expect(option.components(separatedBy: "(default").count <= 2, "\(option)") }
    }

    @Test func aPlatformMatchingNothingExitsTwoEverywhereAndListsThePlatforms() throws {
        let image = fixture("oci-two-platforms")
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar").path
        for arguments in [["verify", "--platform", "linux/s390x", image], ["inspect", "--platform", "linux/s390x", image],
                          ["pack", "--platform", "linux/s390x", "-o", out, image]] {
            let result = try run(manifoldBinary, arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect((result.stdout + result.stderr).contains("linux/s390x; platforms: linux/amd64, linux/arm64/v8"),
                    "\(arguments): \(result.stdout)\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A content failure (1) in one input is never hidden behind another's usage error (2).
    @Test func aContentFailureWinsOverAnotherInputsUsageError() throws {
        let broken = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: broken)
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(1)).config, breakingFirstDiffID)
        let verify = try run(manifoldBinary, ["verify", "/nonexistent", broken.path])
        #expect(verify.status == 1, "\(verify.stdout)")
        #expect(verify.stdout.contains("/nonexistent: UNUSABLE") && verify.stdout.contains("FAILED: 1 failed"))
        let json = try run(manifoldBinary, ["verify", "--json", broken.path, "/nonexistent"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "failed")
        #expect(try run(manifoldBinary, ["verify", "/nonexistent", fixture("zstd-layers")]).status == 2)

        // pack: a manifest whose bytes do not match its digest (1) after a missing input (2).
        let corrupt = try ImageFixtures.copy("oci-two-platforms")
        let corruptEditor = LayoutEditor(root: corrupt)
        try corruptEditor.flipByte(corruptEditor.manifestDigest(0), at: 3)
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar").path
        let pack = try run(manifoldBinary, ["pack", "-o", out, "/nonexistent", corrupt.path])
        #expect(pack.status == 1, "\(pack.stderr)")
        #expect(pack.stderr.contains("digest mismatch") && pack.stderr.contains("/nonexistent"), "\(pack.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A blob that is there but cannot be read (permission denied) is "could not be used" (2)
    /// in every command, and a content failure beside it still wins (1). The tests run as root,
    /// which ignores file modes, so the commands then run as nobody (setpriv).
    @Test(.enabled(if: geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anUnreadableBlobIsUnusableEverywhere() throws {
        func runUnprivileged(_ arguments: [String]) throws -> RunResult {
            guard geteuid() == 0 else { return try run(manifoldBinary, arguments) }
            return try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", manifoldBinary] + arguments)
        }
        let copy = try ImageFixtures.copy("oci-two-platforms")
        _ = try shell("chmod -R a+rX '\(copy.path)' && chmod 1777 '\(copy.deletingLastPathComponent().path)'")
        let editor = LayoutEditor(root: copy)
        let layer = try editor.manifestParts(editor.manifestDigest(0)).layers[0]
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: editor.blobURL(layer).path)
        let out = copy.deletingLastPathComponent().appendingPathComponent("out.tar").path

        let verify = try runUnprivileged(["verify", copy.path])
        #expect(verify.status == 2, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("› layers[0] \(layer.prefix(19))…: blobs/sha256/\(layer.dropFirst(7)): cannot open: Permission denied"), "\(verify.stdout)")
        #expect(verify.stdout.hasSuffix(": UNUSABLE: 1 could not be read\n"), "\(verify.stdout)")
        let pack = try runUnprivileged(["pack", "-o", out, copy.path])
        #expect(pack.status == 2 && pack.stderr.contains("Permission denied"), "\(pack.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let digest = try runUnprivileged(["digest", editor.blobURL(layer).path])
        #expect(digest.status == 2 && digest.stderr.contains("Permission denied"), "\(digest.stderr)")

        let manifest = try editor.manifestDigest(0)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: editor.blobURL(manifest).path)
        let inspect = try runUnprivileged(["inspect", copy.path])
        #expect(inspect.status == 2 && inspect.stderr.contains("Permission denied"), "\(inspect.stderr)")
        #expect(try runUnprivileged(["inspect", "--tree", copy.path]).status == 2)
        #expect(try runUnprivileged(["verify", copy.path]).status == 2)

        // A diff_id that does not match, in the other platform: the failure is not hidden.
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(1)).config, breakingFirstDiffID)
        let both = try runUnprivileged(["verify", copy.path])
        #expect(both.status == 1, "\(both.stdout)")
        #expect(both.stdout.contains("Permission denied") && both.stdout.contains("diff_id mismatch"), "\(both.stdout)")
    }

    @Test func countsAreSingularForOne() throws {
        #expect(counted(1, "platform") == "1 platform")
        #expect(counted(2, "blob") == "2 blobs")
        #expect(counted(0, "image") == "0 images")
        // A one-layer, one-platform image, from zstd-layers with its second layer dropped.
        let copy = try ImageFixtures.copy("zstd-layers")
        try dropLastLayer(copy)
        let tree = try run(manifoldBinary, ["inspect", "--tree", copy.path])
        #expect(tree.status == 0, "\(tree.stderr)")
        #expect(tree.stdout.split(separator: "\n").last?.hasPrefix("1 platform, 1 layer, ") == true, "\(tree.stdout)")
        let verify = try run(manifoldBinary, ["verify", copy.path])
        #expect(verify.stdout.contains(": 1 platform, 3 blobs, "), "\(verify.stdout)")
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("out.tar").path
        let pack = try run(manifoldBinary, ["pack", "-o", out, copy.path])
        #expect(pack.stdout.split(separator: "\n").last?.hasPrefix("1 platform, ") == true, "\(pack.stdout)")
        // A config listing one diff_id for two layers says so in the singular.
        let mismatched = try ImageFixtures.copy("zstd-layers")
        let editor = LayoutEditor(root: mismatched)
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(0)).config) { text in
            try! dropLast(text, ["rootfs", "diff_ids"])
        }
        let failed = try run(manifoldBinary, ["verify", mismatched.path])
        #expect(failed.stdout.contains("config lists 1 diff_id for 2 layers"), "\(failed.stdout)")
    }
}

/// Drops the last layer of a one-platform layout (its manifest and its config's diff_ids).
func dropLastLayer(_ layout: URL) throws {
    let editor = LayoutEditor(root: layout)
    try editor.rewrite(editor.manifestParts(editor.manifestDigest(0)).config) { try! dropLast($0, ["rootfs", "diff_ids"]) }
    try editor.rewrite(editor.manifestDigest(0)) { try! dropLast($0, ["layers"]) }
}

/// The JSON text with the last element of the array at `path` removed.
func dropLast(_ text: String, _ path: [String]) throws -> String {
    func edit(_ value: Any, _ path: ArraySlice<String>) -> Any {
        guard let key = path.first, var object = value as? [String: Any] else {
            return Array((value as? [Any] ?? []).dropLast())
        }
        object[key] = edit(object[key] as Any, path.dropFirst())
        return object
    }
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    let data = try JSONSerialization.data(withJSONObject: edit(value, path[...]), options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// Item 16: `make install` puts the binary, the man page and the completions where each is
/// looked for, under DESTDIR and PREFIX; `make uninstall` removes exactly those.
@Suite struct InstallTests {
    static let repository = vectorsDirectory.deletingLastPathComponent()

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/make")))
    func makeInstallAndUninstall() throws {
        let stage = try ImageFixtures.temporaryDirectory()
        // The binary the tests run stands in for the release build, and the man page is made
        // in debug: the install rules are what is tested, not a second, long build. `swift
        // test` holds .build's lock while the tests run; the plugin would wait for it forever.
        let common = ["DESTDIR=\(stage.path)", "PREFIX=/usr", "INSTALL_BIN=\(manifoldBinary)", "MANUAL_CONFIGURATION=debug",
                      "SWIFT_PACKAGE_FLAGS=--ignore-lock"]
        let install = try run("/usr/bin/make", ["--no-print-directory", "-C", Self.repository.path, "install"] + common)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        let files = ["bin/manifold", "share/man/man1/manifold.1", "share/bash-completion/completions/manifold",
                     "share/zsh/site-functions/_manifold", "share/fish/vendor_completions.d/manifold.fish"]
        for file in files {
            #expect(FileManager.default.fileExists(atPath: stage.path + "/usr/" + file), "\(file)")
        }
        let version = try run(stage.path + "/usr/bin/manifold", ["--version"])
        #expect(version.status == 0 && version.stdout == ManifoldVersion.current + "\n")
        let manual = try String(contentsOfFile: stage.path + "/usr/share/man/man1/manifold.1", encoding: .utf8)
        #expect(manual.contains(".Dt MANIFOLD 1") && manual.contains("verify"))
        #expect(!manual.contains("\n\n"), "blank lines are not mdoc")
        for file in files.dropFirst(2) {
            let script = try String(contentsOfFile: stage.path + "/usr/" + file, encoding: .utf8)
            #expect(script.contains("verify") && script.contains("max-layer-size"), "\(file)")
        }

        let keep = stage.appendingPathComponent("usr/bin/other-tool")
        try Data("keep".utf8).write(to: keep)
        let uninstall = try run("/usr/bin/make", ["--no-print-directory", "-C", Self.repository.path, "uninstall"] + common)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        for file in files { #expect(!FileManager.default.fileExists(atPath: stage.path + "/usr/" + file), "\(file)") }
        #expect(FileManager.default.fileExists(atPath: keep.path))
    }
}
