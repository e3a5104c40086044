import Foundation
import Testing
@testable import Manifold

/// A failed write says it was a write (``ManifoldError/Code/unwritable``, "cannot write"),
/// keeps the system call and errno as its cause, and is "could not be used" (exit 2).
@Suite struct WriteErrorTests {
    @Test func aSyscallErrorKeepsItsCause() throws {
        let error = ManifoldError(.unwritable, path: "out.tar", syscall: "write", errno: ENOSPC)
        #expect(error.code == .unwritable)
        #expect(!error.code.isContentFailure)
        #expect(error.message == "out.tar: cannot write: No space left on device")
        let cause = try #require(error.cause as? SystemError)
        #expect(cause.call == "write" && cause.errno == ENOSPC)
        // The cause is already in the message: it is not said twice.
        #expect(error.description == error.message)
        #expect(ManifoldError(.unreadable, path: nil, syscall: "openat", errno: EACCES, action: "open the blob").message
                == "cannot open the blob: Permission denied")
    }

    /// Nothing, not even root, can make a directory in /proc.
    @Test func aTemporaryDirectoryThatCannotBeMadeIsAWriteError() throws {
        let output = try OutputPath("/proc/manifold-test-output", kind: .layout, force: false)
        let error = #expect(throws: ManifoldError.self) { try output.makeTemporaryDirectory() }
        #expect(error?.code == .unwritable)
        #expect(error?.message.hasPrefix("/proc/manifold-test-output: cannot create a temporary directory: ") == true, "\(error?.message ?? "")")
        #expect((error?.cause as? SystemError)?.call == "mkdirat")
    }

    /// /dev/full fails every write with ENOSPC: the archive cannot go to standard output.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func packToAFullStreamNamesTheWrite() throws {
        let result = try run("/bin/sh", ["-c", "exec \"$0\" pack -o - \"$1\" > /dev/full", manifoldBinary, fixture("docker-24.tar")])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr == "manifold: standard output: cannot write: No space left on device\n")
    }

    /// A directory its user cannot write to: the output, a directory or a tar, cannot be
    /// created there. The tests run as root, which ignores file modes, so pack then runs as
    /// nobody (setpriv).
    @Test(.enabled(if: geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")),
          arguments: [("out", "cannot create a temporary directory: Permission denied"), ("out.tar", "cannot create: Permission denied")])
    func packIntoAReadOnlyDirectoryNamesTheWrite(name: String, words: String) throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("input.tar")
        try FileManager.default.copyItem(atPath: fixture("docker-24.tar"), toPath: input.path)
        let readOnly = directory.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false)
        _ = try shell("chmod a+rx '\(directory.path)' && chmod a+r '\(input.path)' && chmod 555 '\(readOnly.path)'")
        let out = readOnly.appendingPathComponent(name).path
        let arguments = ["pack", "-o", out, input.path]
        let result = geteuid() == 0
            ? try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", manifoldBinary] + arguments)
            : try run(manifoldBinary, arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr == "manifold: \(out): \(words)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly.path).isEmpty)
    }
}
