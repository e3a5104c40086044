import Foundation
import Testing

/// manifold loads libcurl only when a command talks to a registry: the binary does not link
/// it, a registry command without a usable libcurl exits 2 naming it, and local commands
/// work without ever loading it.
///
/// The stand-in libcurl.so.4 comes first on LD_LIBRARY_PATH, where dlopen finds it before
/// the system's. It exports no curl function, and its constructor writes a marker file: the
/// marker proves that a registry command did load it, and that a local one never did.
@Suite struct CurlLoadingTests {
    let directory: URL
    let libraries: URL
    let marker: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        libraries = directory.appendingPathComponent("lib")
        marker = directory.appendingPathComponent("libcurl-was-loaded")
        try FileManager.default.createDirectory(at: libraries, withIntermediateDirectories: true)
    }

    /// A shared library named libcurl.so.4 that exports nothing curl has; loading it writes
    /// $MANIFOLD_FAKE_CURL_MARKER.
    func buildFakeLibcurl() throws {
        let source = directory.appendingPathComponent("fake-curl.c")
        try """
        #include <fcntl.h>
        #include <stdlib.h>
        #include <unistd.h>
        __attribute__((constructor)) static void manifold_fake_curl_loaded(void) {
            const char *path = getenv("MANIFOLD_FAKE_CURL_MARKER");
            if (path != NULL) close(open(path, O_WRONLY | O_CREAT, 0644));
        }
        int manifold_fake_curl_nothing_useful;
        """.write(to: source, atomically: true, encoding: .utf8)
        let compiler = FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/clang") ? "/opt/swift/usr/bin/clang" : "cc"
        _ = try shell("\(compiler) -shared -fPIC -o '\(libraries.path)/libcurl.so.4' '\(source.path)'")
    }

    /// Runs the built binary with the stand-in library first on the search path.
    func manifold(_ arguments: [String]) throws -> RunResult {
        try run("/usr/bin/env", [
            "LD_LIBRARY_PATH=\(libraries.path)", "MANIFOLD_FAKE_CURL_MARKER=\(marker.path)", manifoldBinary,
        ] + arguments)
    }

    var markerExists: Bool { FileManager.default.fileExists(atPath: marker.path) }

    @Test func theBinaryDoesNotLinkLibcurl() throws {
        let needed = try shell("ldd '\(manifoldBinary)'")
        #expect(!needed.isEmpty)
        #expect(!needed.contains("libcurl"), "ldd lists libcurl:\n\(needed)")
    }

    @Test func pullWithoutAUsableLibcurlExits2NamingItAndWritesNothing() throws {
        try buildFakeLibcurl()
        let out = directory.appendingPathComponent("out").path
        let result = try manifold(["pull", "127.0.0.1:1/x", "-o", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains("registry access needs libcurl (libcurl.so.4): "), "\(result.stderr)")
        // dlsym's words: the first function looked up is missing.
        #expect(result.stderr.contains("undefined symbol: curl_"), "\(result.stderr)")
        #expect(markerExists)
        #expect(!FileManager.default.fileExists(atPath: out))
        // Nothing staged beside the output either.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["fake-curl.c", "lib", "libcurl-was-loaded"])
    }

    /// A file dlopen cannot load at all (not a library): dlopen's own words.
    @Test func aLibcurlThatCannotBeLoadedIsNamedWithTheLoadersWords() throws {
        try Data().write(to: libraries.appendingPathComponent("libcurl.so.4"))
        let result = try manifold(["verify", "docker://127.0.0.1:1/x:latest"])
        #expect(result.status == 2)
        // verify reports the image as UNUSABLE in its report, on standard output.
        #expect(result.stdout.contains("registry access needs libcurl (libcurl.so.4): "), "\(result.stdout)")
        #expect(result.stdout.contains("libcurl.so.4: file too short"), "\(result.stdout)")
    }

    @Test func localCommandsNeverLoadLibcurl() throws {
        try buildFakeLibcurl()
        let layout = try ImageFixtures.copy("oci-two-platforms").path
        let verified = try manifold(["verify", layout])
        #expect(verified.status == 0, "\(verified.stderr)")
        let blobs = layout + "/blobs/sha256"
        let twoBlobs = try FileManager.default.contentsOfDirectory(atPath: blobs).sorted().prefix(2).map { "\(blobs)/\($0)" }
        let digested = try manifold(["digest"] + twoBlobs)
        #expect(digested.status == 0, "\(digested.stderr)")
        #expect(digested.stdout.split(separator: "\n").count == 2)
        let version = try manifold(["--version"])
        #expect(version.status == 0)
        #expect(!markerExists)
    }
}
