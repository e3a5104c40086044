import Foundation
import Testing

/// Vectors/registry/http_test_server.py on a free port of 127.0.0.1: plain http, https with
/// a certificate from ``TestCertificates``, or https requiring a client certificate. The
/// server exits when its standard input closes — when this value is released or the test
/// process ends — or after an hour, so it never outlives the tests.
/// `@unchecked Sendable`: every stored property is set once in `init`; Process and FileHandle are
/// only used again in `deinit`.
final class HTTPTestServer: @unchecked Sendable {
    enum Mode: Sendable { case plain, tls, tlsWithClientCertificate }

    let port: Int
    let mode: Mode
    private let process: Process
    private let stdin: FileHandle

    init(_ mode: Mode) throws {
        self.mode = mode
        let script = vectorsDirectory.appendingPathComponent("registry/http_test_server.py").path
        var arguments = [script]
        if mode != .plain {
            let certificates = try TestCertificates.shared.get()
            arguments += ["--tls", certificates.serverCertificate, certificates.serverKey]
            if mode == .tlsWithClientCertificate { arguments += ["--client-ca", certificates.caCertificate] }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else { break }
            line.append(more)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestServerFailure(message: "http_test_server.py printed no port")
        }
        self.process = process
        self.stdin = input.fileHandleForWriting
        self.port = port
    }

    deinit {
        try? stdin.close()
        process.terminate()
        process.waitUntilExit()
    }

    /// `http(s)://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String {
        "\(mode == .plain ? "http" : "https")://127.0.0.1:\(port)\(path)"
    }

    /// `127.0.0.1:PORT`, the key of ``HTTPClientConfiguration/hostOptions``.
    var authority: String { "127.0.0.1:\(port)" }

    // One server of each kind for the whole test run: starting Python costs ~100 ms.
    static let plain = Result { try HTTPTestServer(.plain) }
    static let tls = Result { try HTTPTestServer(.tls) }
    static let tlsWithClientCertificate = Result { try HTTPTestServer(.tlsWithClientCertificate) }
}

struct TestServerFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A throwaway CA, a server certificate for 127.0.0.1 and localhost, and a client
/// certificate, made with `openssl` once per test run in a temporary directory.
struct TestCertificates: Sendable {
    let directory: String
    var caCertificate: String { directory + "/ca.crt" }
    var serverCertificate: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCertificate: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }
    /// A directory holding only the CA, hashed by `openssl rehash` (a CApath).
    var caDirectory: String { directory + "/ca.d" }

    static let shared = Result { try TestCertificates() }

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        _ = try shell("""
            cd '\(directory)' && \
            openssl req -x509 \(key) -keyout ca.key -out ca.crt -days 2 -subj /CN=manifold-test-ca \
              -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && \
            for who in server client; do \
              openssl req \(key) -keyout $who.key -out $who.csr -subj /CN=$who 2>/dev/null || exit 1; \
            done && \
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext && \
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext && \
            for who in server client; do \
              openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile $who.ext -out $who.crt 2>/dev/null || exit 1; \
            done && \
            mkdir ca.d && cp ca.crt ca.d/ && openssl rehash ca.d
            """)
    }
}
