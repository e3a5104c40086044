import Dispatch
import Foundation
import ManifoldBlob
import ManifoldRegistry
import Testing

/// The libcurl HTTP client against Vectors/registry/http_test_server.py: streaming, caps,
/// redirects, TLS trust and client certificates, connection reuse, the watchdog and
/// cancellation. Serialized: the large-body test measures this process's memory.
@Suite(.serialized) struct HTTPClientTests {
    /// The plain server with http allowed for it, as --tls-verify=false would.
    private func plainClient(_ configure: (inout HTTPClientConfiguration) -> Void = { _ in }) throws -> (HTTPClient, HTTPTestServer) {
        let server = try HTTPTestServer.plain.get()
        var configuration = HTTPClientConfiguration()
        configuration.hostOptions[server.authority] = HTTPHostOptions(allowsPlainHTTP: true)
        configure(&configuration)
        return (try HTTPClient(configuration: configuration), server)
    }

    /// Byte i of /bytes/N is i % 251; `reference` holds whole periods so any offset slices it.
    private static let reference: [UInt8] = {
        let count: Int = 251 * 1024
        return (0..<count).map { (index: Int) -> UInt8 in UInt8(index % 251) }
    }()

    private func matchesPattern(_ chunk: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        Self.reference.withUnsafeBytes { reference in
            var done = 0
            while done < chunk.count {
                let start = (offset + done) % 251
                let count = min(chunk.count - done, reference.count - start)
                guard memcmp(chunk.baseAddress! + done, reference.baseAddress! + start, count) == 0 else { return false }
                done += count
            }
            return true
        }
    }

    private func transportKind(_ body: () throws -> Void) -> HTTPTransportFailure.Kind? {
        do {
            try body()
        } catch let error as ManifoldError {
            return (error.cause as? HTTPTransportFailure)?.kind
        } catch {
            return nil
        }
        return nil
    }

    @Test func headComesBeforeTheBodyWhichStreamsInChunks() throws {
        let (client, server) = try plainClient { $0.receiveBufferSize = 64 * 1024 }
        var events: [String] = []
        var received = 0, chunks = 0, intact = true
        let head = try client.perform(HTTPRequest(url: server.url("/bytes/1000000"))) { head in
            events.append("head")
            #expect(head.status == 200)
            #expect(head.contentLength == 1_000_000)
            #expect(head.headers["content-type"] == "application/octet-stream")
            #expect(head.version == .http1_1)
            #expect(head.effectiveURL == server.url("/bytes/1000000"))
            return .receive
        } body: { chunk in
            if events.last != "body" { events.append("body") }
            #expect(chunk.count <= 64 * 1024)
            intact = intact && matchesPattern(chunk, at: received)
            received += chunk.count
            chunks += 1
        }
        #expect(events == ["head", "body"])
        #expect(received == 1_000_000)
        #expect(chunks >= 16)
        #expect(intact)
        #expect(head.status == 200)
    }

    @Test func statusAndRepeatedHeadersAreKept() throws {
        let (client, server) = try plainClient()
        let response = try client.fetch(HTTPRequest(url: server.url("/status/401")), bodyLimit: 1024)
        #expect(response.head.status == 401)
        #expect(response.head.headers.values("X-TEST") == ["one", "two"])
        #expect(response.head.headers["www-authenticate"] == "Bearer realm=\"r\"")
        #expect(response.body == Array("status body".utf8))
    }

    @Test func requestHeadersBodyRangeAndHead() throws {
        let (client, server) = try plainClient()
        let echo = try client.fetch(
            HTTPRequest(
                method: .post, url: server.url("/echo?x=1"), headers: ["Content-Type": "text/plain", "X-Mine": "yes"],
                body: Array("hello".utf8)),
            bodyLimit: 4096)
        let text = String(decoding: echo.body, as: UTF8.self)
        #expect(text.hasPrefix("POST /echo?x=1\n"))
        #expect(text.contains("x-mine: yes\n"))
        #expect(text.contains("content-type: text/plain\n"))
        #expect(!text.contains("accept-encoding"), "no content encoding is asked for: bytes must be exact")
        #expect(!text.contains("expect:"))
        #expect(text.hasSuffix("body: hello\n"))

        let put = try client.fetch(HTTPRequest(method: .put, url: server.url("/echo"), body: Array("x".utf8)), bodyLimit: 4096)
        #expect(String(decoding: put.body, as: UTF8.self).hasPrefix("PUT /echo\n"))

        let part = try client.fetch(
            HTTPRequest(url: server.url("/bytes/1000"), range: HTTPByteRange(start: 600)), bodyLimit: 4096)
        #expect(part.head.status == 206)
        #expect(part.head.headers["Content-Range"] == "bytes 600-999/1000")
        #expect(part.body == (600..<1000).map { UInt8($0 % 251) })

        let head = try client.fetch(HTTPRequest(method: .head, url: server.url("/bytes/5000")), bodyLimit: 0)
        #expect(head.head.status == 200)
        #expect(head.head.contentLength == 5000)
        #expect(head.body.isEmpty)
    }

    @Test func largeBodyStreamsWithFlatMemory() throws {
        let (client, server) = try plainClient()
        let size = 64 * 1024 * 1024
        let before = residentBytes()
        var received = 0, largest = 0, peak = before, intact = true
        try client.perform(HTTPRequest(url: server.url("/bytes/\(size)"))) { _ in .receive } body: { chunk in
            intact = intact && matchesPattern(chunk, at: received)
            received += chunk.count
            largest = max(largest, chunk.count)
            if received % (4 * 1024 * 1024) < chunk.count { peak = max(peak, residentBytes()) }
        }
        #expect(received == size)
        #expect(intact)
        #expect(largest <= client.configuration.receiveBufferSize)
        // Under AddressSanitizer every freed chunk sits in its quarantine (256 MiB by default),
        // still resident, and the other suites running meanwhile add theirs: the growth says
        // nothing about this client there. `make check` sets ASAN_OPTIONS for its run.
        if ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil {
            #expect(peak - before < 32 * 1024 * 1024, "resident memory grew by \(peak - before) bytes for a 64 MiB body")
        }
    }

    struct Stop: Error {}

    @Test func aThrowFromAClosureAbortsAndIsRethrown() throws {
        let (client, server) = try plainClient()
        var received = 0
        #expect(throws: Stop.self) {
            try client.perform(HTTPRequest(url: server.url("/bytes/\(64 * 1024 * 1024)"))) { _ in .receive } body: { chunk in
                received += chunk.count
                throw Stop()
            }
        }
        #expect(received > 0 && received <= client.configuration.receiveBufferSize)

        var bodyCalled = false
        #expect(throws: Stop.self) {
            try client.perform(HTTPRequest(url: server.url("/bytes/1000"))) { _ in throw Stop() } body: { _ in bodyCalled = true }
        }
        #expect(!bodyCalled)

        let head = try client.perform(HTTPRequest(url: server.url("/bytes/\(64 * 1024 * 1024)"))) { _ in .discard } body: { _ in
            bodyCalled = true
        }
        #expect(head.status == 200)
        #expect(!bodyCalled)
        // The client is still usable after aborted transfers.
        #expect(try client.fetch(HTTPRequest(url: server.url("/bytes/10")), bodyLimit: 10).body.count == 10)
    }

    @Test func cappedReadStopsAtTheCap() throws {
        let (client, server) = try plainClient()
        #expect(try client.fetch(HTTPRequest(url: server.url("/bytes/1000")), bodyLimit: 1000).body.count == 1000)
        #expect(errorCode { _ = try client.fetch(HTTPRequest(url: server.url("/bytes/1001")), bodyLimit: 1000) } == .limitExceeded)
        // A declared 10 GB fails on the head, before a body byte is read.
        do {
            _ = try client.fetch(HTTPRequest(url: server.url("/large-length")), bodyLimit: 1 << 20)
            Issue.record("a 10 GB Content-Length was accepted")
        } catch let error as ManifoldError {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("10000000000 bytes"))
        }
    }

    @Test func redirectsAreReturnedNotFollowed() throws {
        let (client, server) = try plainClient()
        let response = try client.fetch(HTTPRequest(url: server.url("/redirect")), bodyLimit: 1024)
        #expect(response.head.status == 302)
        #expect(response.head.location == "/bytes/10")
        #expect(response.body.isEmpty)
    }

    @Test func plainHTTPOnlyWhenAllowed() throws {
        let server = try HTTPTestServer.plain.get()
        let client = try HTTPClient()
        #expect(errorCode { _ = try client.fetch(HTTPRequest(url: server.url("/bytes/10")), bodyLimit: 10) } == .invalidArgument)
        #expect(errorCode { _ = try client.fetch(HTTPRequest(url: "ftp://127.0.0.1/x"), bodyLimit: 10) } == .invalidArgument)
    }

    @Test func tlsTrustsTheGivenCAOnlyUnlessVerificationIsOff() throws {
        let server = try HTTPTestServer.tls.get()
        let certificates = try TestCertificates.shared.get()
        let request = HTTPRequest(url: server.url("/bytes/100"))

        let untrusting = try HTTPClient()
        #expect(transportKind { _ = try untrusting.fetch(request, bodyLimit: 100) } == .tls)

        var configuration = HTTPClientConfiguration()
        configuration.hostOptions[server.authority] = HTTPHostOptions(caFile: certificates.caCertificate)
        let trusting = try HTTPClient(configuration: configuration)
        let response = try trusting.fetch(request, bodyLimit: 100)
        #expect(response.head.status == 200)
        #expect(response.body == (0..<100).map { UInt8($0 % 251) })
        // The options are per host: another authority does not get the CA.
        #expect(transportKind {
            _ = try trusting.fetch(HTTPRequest(url: "https://localhost:\(server.port)/bytes/1"), bodyLimit: 1)
        } == .tls)

        configuration.hostOptions[server.authority] = HTTPHostOptions(caDirectory: certificates.caDirectory)
        #expect(try HTTPClient(configuration: configuration).fetch(request, bodyLimit: 100).head.status == 200)

        configuration.hostOptions[server.authority] = HTTPHostOptions(verifiesTLS: false)
        let unverified = try HTTPClient(configuration: configuration)
        #expect(try unverified.fetch(request, bodyLimit: 100).head.status == 200)
    }

    /// The scheme probe skips the certificate check; what follows it on the same client is
    /// checked all the same: neither its connection nor its TLS session is taken up again.
    @Test func anUncheckedProbeLeavesNothingACheckedRequestReuses() throws {
        let server = try HTTPTestServer.tls.get()
        let client = try HTTPClient()
        var probe = HTTPRequest(url: server.url("/connection"))
        probe.checksCertificate = false
        for _ in 0..<2 { #expect(try client.fetch(probe, bodyLimit: 16).head.status == 200) }
        for _ in 0..<2 {
            #expect(transportKind { _ = try client.fetch(HTTPRequest(url: server.url("/connection")), bodyLimit: 16) } == .tls)
        }
        #expect(try client.fetch(probe, bodyLimit: 16).head.status == 200)
    }

    @Test func clientCertificateWhenTheServerRequiresOne() throws {
        let server = try HTTPTestServer.tlsWithClientCertificate.get()
        let certificates = try TestCertificates.shared.get()
        let request = HTTPRequest(url: server.url("/bytes/10"))

        var configuration = HTTPClientConfiguration()
        configuration.hostOptions[server.authority] = HTTPHostOptions(caFile: certificates.caCertificate)
        let anonymous = try HTTPClient(configuration: configuration)
        #expect(throws: ManifoldError.self) { _ = try anonymous.fetch(request, bodyLimit: 10) }

        configuration.hostOptions[server.authority] = HTTPHostOptions(
            caFile: certificates.caCertificate, clientCertificateFile: certificates.clientCertificate,
            clientKeyFile: certificates.clientKey)
        let identified = try HTTPClient(configuration: configuration)
        #expect(try identified.fetch(request, bodyLimit: 10).body.count == 10)
    }

    @Test(arguments: [false, true]) func connectionsAreReused(tls: Bool) throws {
        let certificates = try TestCertificates.shared.get()
        let server = try tls ? HTTPTestServer.tls.get() : HTTPTestServer.plain.get()
        var configuration = HTTPClientConfiguration()
        configuration.hostOptions[server.authority] = HTTPHostOptions(caFile: certificates.caCertificate, allowsPlainHTTP: true)
        let client = try HTTPClient(configuration: configuration)
        let ports = try (0..<4).map { _ in
            String(decoding: try client.fetch(HTTPRequest(url: server.url("/connection")), bodyLimit: 16).body, as: UTF8.self)
        }
        #expect(Set(ports).count == 1, "client ports seen by the server: \(ports)")
    }

    /// Go's server (distribution's docker-registry) offers h2 over TLS; the client takes it.
    @Test(.requires(.dockerRegistry)) func http2OverTLSWhenTheServerOffersIt() throws {
        let certificates = try TestCertificates.shared.get()
        let directory = URL(fileURLWithPath: certificates.directory).appendingPathComponent("h2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let config = directory.appendingPathComponent("registry.yml")
        try Data("""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory.path)/data
            http:
              addr: 127.0.0.1:\(port)
              tls:
                certificate: \(certificates.serverCertificate)
                key: \(certificates.serverKey)
            """.utf8).write(to: config)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec docker-registry serve '\(config.path)' > '\(directory.path)/registry.log' 2>&1"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var configuration = HTTPClientConfiguration()
        configuration.hostOptions["127.0.0.1:\(port)"] = HTTPHostOptions(caFile: certificates.caCertificate)
        let client = try HTTPClient(configuration: configuration)
        let request = HTTPRequest(url: "https://127.0.0.1:\(port)/v2/")
        var response: HTTPResponse?
        for _ in 0..<100 where response == nil {
            response = try? client.fetch(request, bodyLimit: 1024)
            if response == nil { usleep(100_000) }
        }
        #expect(response?.head.status == 200)
        #expect(response?.head.version == .http2)
        #expect(response?.head.headers["docker-distribution-api-version"] == "registry/2.0")
        #expect(try client.fetch(request, bodyLimit: 1024).head.version == .http2)
        // A blob's request asks for HTTP/1.1 (faster for one large body): it gets it, though
        // an h2 connection to the same host is open; the next plain request is h2 again.
        var bulk = request
        bulk.prefersHTTP1 = true
        #expect(try client.fetch(bulk, bodyLimit: 1024).head.version == .http1_1)
        #expect(try client.fetch(request, bodyLimit: 1024).head.version == .http2)
    }

    @Test func manyThreadsShareOneClient() throws {
        let (client, server) = try plainClient()
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            for _ in 0..<4 {
                let length = 1000 + index
                let body = try? client.fetch(HTTPRequest(url: server.url("/bytes/\(length)")), bodyLimit: length).body
                if body != (0..<length).map({ UInt8($0 % 251) }) { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func lowSpeedWatchdogEndsAStalledTransfer() throws {
        let (client, server) = try plainClient {
            $0.lowSpeedLimit = 100
            $0.lowSpeedTime = .seconds(1)
        }
        let start = ContinuousClock.now
        var error: ManifoldError?
        do {
            try client.perform(HTTPRequest(url: server.url("/stall"))) { _ in .receive } body: { _ in }
        } catch let caught as ManifoldError {
            error = caught
        }
        #expect((error?.cause as? HTTPTransportFailure)?.kind == .timeout)
        #expect((error?.cause as? HTTPTransportFailure)?.mayHelpToRetry == true)
        #expect(error?.message.contains("GET http://\(server.authority)/stall: timed out") == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func deadlineEndsATransfer() throws {
        let (client, server) = try plainClient()
        let kind = transportKind {
            try client.perform(HTTPRequest(url: server.url("/stall"), deadline: .milliseconds(500))) { _ in .receive } body: { _ in }
        }
        #expect(kind == .timeout)
    }

    @Test func cancellationAbortsAStalledTransfer() throws {
        let (client, server) = try plainClient()
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { flag.cancel() }
        let start = ContinuousClock.now
        #expect(throws: CancellationError.self) {
            try client.perform(HTTPRequest(url: server.url("/stall")), cancellation: flag) { _ in .receive } body: { _ in }
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        // Already cancelled: nothing is sent.
        #expect(throws: CancellationError.self) {
            _ = try client.fetch(HTTPRequest(url: server.url("/bytes/1")), bodyLimit: 1, cancellation: flag)
        }
    }

    @Test func aShortBodyIsALostConnection() throws {
        let (client, server) = try plainClient()
        var received = 0
        let kind = transportKind {
            try client.perform(HTTPRequest(url: server.url("/short"))) { _ in .receive } body: { received += $0.count }
        }
        #expect(kind == .connectionLost)
        #expect(received == 10)
    }

    @Test func errorsNameTheURLWithoutCredentials() throws {
        // Port 1 on loopback: nothing listens there.
        var configuration = HTTPClientConfiguration()
        configuration.defaultHostOptions.allowsPlainHTTP = true
        let client = try HTTPClient(configuration: configuration)
        do {
            _ = try client.fetch(HTTPRequest(url: "http://someone:secret@127.0.0.1:1/v2/x?token=hidden"), bodyLimit: 10)
            Issue.record("a connection to port 1 succeeded")
        } catch let error as ManifoldError {
            #expect((error.cause as? HTTPTransportFailure)?.kind == .connect)
            #expect(error.message.hasPrefix("GET http://127.0.0.1:1/v2/x: could not connect: "), "\(error)")
            #expect(!error.description.contains("secret") && !error.description.contains("hidden"))
        }
    }
}

/// This process's resident memory, from /proc/self/statm.
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
