import Foundation
import Testing
@testable import Manifold

/// The built `manifold` binary: $MANIFOLD_BIN, or the one `swift test` built beside the
/// test bundle.
let manifoldBinary: String = {
    if let path = ProcessInfo.processInfo.environment["MANIFOLD_BIN"] { return path }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = directory.appendingPathComponent("manifold").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/manifold").path
}()

struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Standard output's bytes as written (an archive on `-o -`).
    var stdoutData = Data()
}

/// Runs a program to completion; stdin from `input` when given.
func run(_ executable: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    if let input {
        DispatchQueue.global().async {
            inPipe.fileHandleForWriting.write(input)
            try? inPipe.fileHandleForWriting.close()
        }
    }
    // Read both pipes concurrently so neither can fill and block the child.
    let stderrData = LockedBox(Data())
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { stderrData.value = err.fileHandleForReading.readDataToEndOfFile() }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                     stderr: String(decoding: stderrData.value, as: UTF8.self), stdoutData: stdoutData)
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Runs a shell pipeline (a peer tool) and returns its stdout.
func shell(_ command: String) throws -> String {
    let result = try run("/bin/sh", ["-c", command])
    guard result.status == 0 else { throw ManifoldError(.internalFailure, "\(command) exited \(result.status): \(result.stderr)") }
    return result.stdout
}

@Suite struct DigestCommandTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test(.requires(.sha256sum, .sha512sum)) func equalsCoreutilsOnEveryFile() throws {
        let content = layerLikeBytes(count: 2 << 20 + 17)
        var files = [try write("empty", []), try write("abc", Array("abc".utf8)), try write("layer.tar", content),
                     try write("layer.tar.gz", gzipCompress(content)), try write("layer.tar.zst", zstdCompress(content))]
        files += try FileManager.default.contentsOfDirectory(atPath: vectorsDirectory.appendingPathComponent("compression").path)
            .sorted().map { vectorsDirectory.appendingPathComponent("compression/\($0)").path }
        for algorithm in ["sha256", "sha512"] {
            let ours = try run(manifoldBinary, ["digest", "--algorithm", algorithm, "--jobs", "3"] + files)
            #expect(ours.status == 0, "\(ours.stderr)")
            let theirs = try shell("\(algorithm)sum " + files.map { "'\($0)'" }.joined(separator: " "))
            let expected = theirs.split(separator: "\n").map { "\(algorithm):\($0)" }
            #expect(ours.stdout.split(separator: "\n").map(String.init) == expected)
        }
    }

    @Test(.requires(.gzip, .zstd, .pigz)) func uncompressedEqualsGzipAndZstdPipelines() throws {
        let content = layerLikeBytes(count: 3 << 20 + 5)
        let plain = try write("content.tar", content)
        _ = try shell("gzip -n -c '\(plain)' > '\(plain).gz' && zstd -q -c '\(plain)' > '\(plain).zst'")
        // Multi-member: two gzip members, as pigz --independent or cat produce.
        _ = try shell("head -c 1000000 '\(plain)' | gzip -c > '\(plain).mm.gz' && tail -c +1000001 '\(plain)' | pigz -c >> '\(plain).mm.gz'")
        let expected = try shell("sha256sum < '\(plain)'").prefix(64)
        for file in ["\(plain).gz", "\(plain).zst", "\(plain).mm.gz"] {
            let tool = file.hasSuffix(".zst") ? "zstd -dc" : "gzip -dc"
            let theirs = try shell("\(tool) '\(file)' | sha256sum").prefix(64)
            #expect(theirs == expected)
            let ours = try run(manifoldBinary, ["digest", "--uncompressed", file])
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout == "sha256:\(expected)  \(file)\n")
        }
    }

    @Test func readsStandardInput() throws {
        let content = layerLikeBytes(count: 300_000)
        let ours = try run(manifoldBinary, ["digest", "--uncompressed", "-"], input: Data(gzipCompress(content)))
        #expect(ours.status == 0)
        #expect(ours.stdout == "\(try sha256(content))  -\n")
    }

    @Test func plainInputIsSaidToBePlain() throws {
        let file = try write("plain.tar", Array("not compressed".utf8))
        let ours = try run(manifoldBinary, ["digest", "--uncompressed", file])
        #expect(ours.status == 0)
        #expect(ours.stdout == "\(try sha256(Array("not compressed".utf8)))  \(file)\n")
        #expect(ours.stderr.contains("not compressed"))
    }

    /// Every corrupt vector exits 1 with a one-line error naming the file and the problem.
    @Test(arguments: CompressionVectorTests.cases.filter { $0.expect != "ok" && !$0.file.contains("not-") })
    func corruptVectorExitsOne(_ vector: CompressionVectorTests.Case) throws {
        let file = vectorsDirectory.appendingPathComponent("compression/\(vector.file)").path
        let ours = try run(manifoldBinary, ["digest", "--uncompressed", file])
        if vector.file.hasSuffix("empty-file.gz") || vector.file.hasSuffix("empty-file.zst") {
            // Zero bytes carry no magic: plain content, the digest of nothing.
            #expect(ours.status == 0)
            return
        }
        #expect(ours.status == 1, "\(vector.file): \(ours.stderr)")
        #expect(ours.stdout.isEmpty)
        let lines = ours.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(ours.stderr.hasPrefix("manifold: \(file): "))
    }

    @Test func exitCodesForUnusableInput() throws {
        let missing = try run(manifoldBinary, ["digest", "/nonexistent/layer.tar.gz"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "manifold: /nonexistent/layer.tar.gz: cannot open: No such file or directory\n")

        let directoryInput = try run(manifoldBinary, ["digest", directory.path])
        #expect(directoryInput.status == 2)
        #expect(directoryInput.stderr == "manifold: \(directory.path): cannot read: Is a directory\n")

        for arguments in [["digest"], ["digest", "--jobs", "0", "x"], ["digest", "--algorithm", "md5", "x"], ["bogus"], ["digest", "-", "-"]] {
            let usage = try run(manifoldBinary, arguments)
            #expect(usage.status == 2, "\(arguments)")
        }

        // One bad file among good ones: the good ones still print, in order, and a corrupt
        // input (1) is not hidden behind an unreadable one (2).
        let good = try write("good", Array("x".utf8))
        let corrupt = vectorsDirectory.appendingPathComponent("compression/gzip-bad-crc.gz").path
        let mixed = try run(manifoldBinary, ["digest", "--uncompressed", good, corrupt, "/nonexistent", good])
        #expect(mixed.status == 1)
        #expect(mixed.stdout.split(separator: "\n").count == 2)
        #expect(mixed.stderr.contains("CRC-32 mismatch"))
    }
}
