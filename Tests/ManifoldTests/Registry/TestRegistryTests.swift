import Foundation
import Testing
@testable import Manifold

/// The test registries work as the registry tests will need them, proved with skopeo and
/// curl before manifold's client exists: every configuration serves what was pushed byte for
/// byte, auth refuses what it must, the token server grants (and logs) per-user scopes, a
/// tampered blob is served tampered, and the tags server pages the way its doc says.
@Suite struct TestRegistryTests {
    let directory: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl), arguments: TestRegistry.Configuration.allCases)
    func everyFixtureGoesInAndComesBackByteForByte(_ configuration: TestRegistry.Configuration) throws {
        let registry = try TestRegistry(in: directory, configuration)
        for fixture in RegistryFixture.allCases {
            let pushed = try registry.push(fixture, to: "manifold/\(fixture.rawValue.lowercased())", tag: "v1", as: .writer)
            let reader = registry.skopeoOptions(.inspect, as: .reader)
            let raw = try shell("skopeo inspect --raw \(reader) '\(registry.reference(pushed.repository)):v1'")
            #expect(Data(raw.utf8) == pushed.raw, "\(configuration) \(fixture)")
            #expect(raw.contains(#""mediaType":"\#(fixture.mediaType)""#), "\(fixture): \(raw)")
            // Every child is there under its digest: an index's manifests byte for byte, a
            // manifest's config and layers through a copy (skopeo checks each blob's digest;
            // `dir:` because `oci:` would need a Docker list converted).
            let back = directory.appendingPathComponent("back-\(configuration.rawValue)-\(fixture.rawValue)")
            let copied = try run("/bin/sh", ["-c", "skopeo copy -q --all --preserve-digests \(registry.skopeoOptions(.source, as: .reader)) '\(registry.reference(pushed.repository))@\(pushed.digest)' 'dir:\(back.path)'"])
            #expect(copied.status == 0, "\(configuration) \(fixture): \(copied.stderr)")
            for child in pushed.children {
                if pushed.layers.isEmpty {
                    let manifest = try shell("skopeo inspect --raw \(reader) '\(registry.reference(pushed.repository))@\(child)'")
                    #expect(try sha256(Array(manifest.utf8)).description == child, "\(fixture): \(child)")
                } else {
                    #expect(FileManager.default.fileExists(atPath: back.appendingPathComponent(String(child.dropFirst(7))).path), "\(fixture): \(child)")
                }
            }
        }
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl, .curl)) func basicAuthNeedsTheRightPasswordAndTheCA() throws {
        let registry = try TestRegistry(in: directory, .basicAuthTLS)
        try registry.push(.zstdLayers, to: "manifold/zstd", as: .writer)
        let target = "'\(registry.reference("manifold/zstd")):v1'"
        #expect(try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions(as: .reader)) \(target)"]).status == 0)
        #expect(try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) \(target)"]).status != 0)
        #expect(try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions()) --creds reader:wrong \(target)"]).status != 0)
        // Without the test CA the certificate is not trusted; with it, both names match.
        #expect(try run("/bin/sh", ["-c", "skopeo inspect --raw --creds '\(RegistryUser.reader.creds)' \(target)"]).status != 0)
        #expect(try run("/bin/sh", ["-c", "curl -s -o /dev/null -u '\(RegistryUser.reader.creds)' '\(registry.baseURL)/v2/'"]).status == 60)
        let localhost = try shell("curl -s -o /dev/null -w '%{http_code}' \(registry.curlOptions(as: .reader)) 'https://localhost:\(registry.port)/v2/'")
        #expect(localhost == "200")
        let challenge = try shell("curl -s -D - -o /dev/null \(registry.curlOptions()) '\(registry.baseURL)/v2/'").lowercased()
        #expect(challenge.hasPrefix("http/1.1 401") || challenge.hasPrefix("http/2 401"), "\(challenge)")
        #expect(challenge.contains(#"www-authenticate: basic realm="manifold-test""#), "\(challenge)")
    }

    @Test(.requires(.skopeo, .dockerRegistry, .openssl, .curl)) func tokenServerGrantsAndLogsScopesPerUser() throws {
        let registry = try TestRegistry(in: directory, .tokenAuthTLS)
        let tokens = try #require(registry.tokenServer)
        let pushed = try registry.push(.gzipLayers, to: "manifold/gzip", as: .writer)
        try registry.push(.zstdLayers, to: "public/zstd", as: .writer)
        let inspect = { (user: RegistryUser?, repository: String) in
            try run("/bin/sh", ["-c", "skopeo inspect --raw \(registry.skopeoOptions(as: user)) '\(registry.reference(repository)):v1'"])
        }
        #expect(try inspect(.reader, "manifold/gzip").stdout == String(decoding: pushed.raw, as: UTF8.self))
        #expect(try inspect(nil, "manifold/gzip").status != 0)
        #expect(try inspect(nil, "public/zstd").status == 0)
        #expect(try inspect(RegistryUser(name: "reader", password: "wrong"), "manifold/gzip").status != 0)
        let readerPush = try run("/bin/sh", ["-c", "skopeo copy -q --preserve-digests \(registry.skopeoOptions(.destination, as: .reader)) 'oci:\(ImageFixtures.directory.path)/plain-layers:latest' '\(registry.reference("manifold/plain")):v1'"])
        #expect(readerPush.status != 0)

        let log = try tokens.requests()
        let pullPush = TokenRequest.Access(type: "repository", name: "manifold/gzip", actions: ["pull", "push"])
        #expect(log.contains { $0.username == "writer" && $0.scopes.contains("repository:manifold/gzip:pull,push") && $0.granted == [pullPush] })
        #expect(log.contains { $0.username == "reader" && $0.scopes == ["repository:manifold/gzip:pull"]
            && $0.granted == [.init(type: "repository", name: "manifold/gzip", actions: ["pull"])] })
        #expect(log.contains { $0.username == nil && $0.scopes == ["repository:manifold/gzip:pull"] && $0.status == 200 && $0.granted == [] })
        #expect(log.contains { $0.username == nil && $0.scopes == ["repository:public/zstd:pull"]
            && $0.granted == [.init(type: "repository", name: "public/zstd", actions: ["pull"])] })
        #expect(log.contains { $0.username == "reader" && $0.status == 401 })
        #expect(log.contains { $0.username == "reader" && $0.scopes.contains("repository:manifold/plain:pull,push")
            && $0.granted == [.init(type: "repository", name: "manifold/plain", actions: ["pull"])] })
        #expect(log.allSatisfy { $0.service == nil || $0.service == TestTokenServer.service })

        // The challenge names the realm and service; an identity (refresh) token buys access
        // tokens through the OAuth2 POST without the password again.
        let challenge = try shell("curl -s -D - -o /dev/null \(registry.curlOptions()) '\(registry.baseURL)/v2/'").lowercased()
        #expect(challenge.contains(#"www-authenticate: bearer realm="\#(tokens.realm)",service="\#(TestTokenServer.service)""#), "\(challenge)")
        let scope = "repository:manifold/gzip:pull"
        let offline = try shell("curl -s \(registry.curlOptions(as: .reader)) '\(tokens.realm)?service=\(TestTokenServer.service)&scope=\(scope)&offline_token=true'")
        let refreshToken = try #require(Self.field("refresh_token", offline))
        let refreshed = try shell("curl -s \(registry.curlOptions()) --data-urlencode grant_type=refresh_token --data-urlencode 'refresh_token=\(refreshToken)' --data-urlencode service=\(TestTokenServer.service) --data-urlencode 'scope=\(scope)' --data-urlencode client_id=manifold '\(tokens.realm)'")
        let accessToken = try #require(Self.field("access_token", refreshed))
        let byToken = try shell("curl -s \(registry.curlOptions()) -H 'Authorization: Bearer \(accessToken)' -H 'Accept: \(MediaType.ociManifest)' '\(registry.baseURL)/v2/manifold/gzip/manifests/v1'")
        #expect(Data(byToken.utf8) == pushed.raw)
        #expect(try tokens.requests().contains { $0.method == "POST" && $0.grantType == "refresh_token" && $0.username == "reader" && $0.status == 200 })
    }

    @Test(.requires(.skopeo, .dockerRegistry)) func aTamperedBlobIsServedAndSkopeoNamesIt() throws {
        let registry = try TestRegistry(in: directory)
        let pushed = try registry.push(.gzipLayers, to: "manifold/gzip")
        let layer = try #require(pushed.layers.first)
        let before = try Data(contentsOf: registry.blobFile(layer))
        try registry.tamperWithBlob(layer)
        let after = try Data(contentsOf: registry.blobFile(layer))
        #expect(after.count == before.count && after != before)
        // The manifest is untouched; copying the image fails on the layer's digest.
        #expect(Data(try shell("skopeo inspect --raw \(registry.skopeoOptions()) '\(registry.reference("manifold/gzip")):v1'").utf8) == pushed.raw)
        let copy = try run("/bin/sh", ["-c", "skopeo copy -q \(registry.skopeoOptions(.source)) '\(registry.reference("manifold/gzip")):v1' 'oci:\(directory.path)/back:v1'"])
        #expect(copy.status != 0)
        #expect(copy.stderr.contains(String(layer.dropFirst(7))) || copy.stderr.contains(layer), "\(copy.stderr)")
    }

    @Test(.requires(.curl)) func tagsServerPagesWithNLastAndLink() throws {
        let tags = ["a", "b", "c", "d", "e"]
        let server = try TestTagsServer(in: directory, repositories: [
            .init(name: "paged", tags: tags.reversed()),
            .init(name: "absolute", tags: tags, link: .absolute),
            .init(name: "looping", tags: tags, link: .loop),
            .init(name: "elsewhere", tags: tags, link: .foreign),
        ])
        func page(_ url: String) throws -> (tags: String, link: String?) {
            let response = try shell("curl -s -D - '\(url)'")
            let link = response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("link:") }.map { String($0.dropFirst("link: ".count)) }
            return (String(response.split(separator: "\r\n").last ?? ""), link)
        }
        #expect(try shell("curl -s -o /dev/null -w '%{http_code}' 'http://\(server.host)/v2/'") == "200")
        let first = try page(server.tagsURL("paged"))
        #expect(first.tags == #"{"name": "paged", "tags": ["a", "b"]}"#)
        #expect(first.link == #"</v2/paged/tags/list?n=2&last=b>; rel="next""#)
        let second = try page("http://\(server.host)/v2/paged/tags/list?n=2&last=b")
        #expect(second.tags == #"{"name": "paged", "tags": ["c", "d"]}"#)
        let last = try page("http://\(server.host)/v2/paged/tags/list?n=2&last=d")
        #expect(last.tags == #"{"name": "paged", "tags": ["e"]}"# && last.link == nil)
        #expect(try page(server.tagsURL("paged") + "?n=10").tags == #"{"name": "paged", "tags": ["a", "b", "c", "d", "e"]}"#)
        #expect(try page(server.tagsURL("absolute")).link == #"<http://\#(server.host)/v2/absolute/tags/list?n=2&last=b>; rel="next""#)
        #expect(try page("http://\(server.host)/v2/looping/tags/list?n=2&last=b").link == #"</v2/looping/tags/list?n=2>; rel="next""#)
        #expect(try page(server.tagsURL("elsewhere")).link == #"<http://localhost:\#(server.port)/v2/elsewhere/tags/list?n=2&last=b>; rel="next""#)
        #expect(try shell("curl -s -o /dev/null -w '%{http_code}' '\(server.tagsURL("unknown"))'") == "404")
        // The log shows which host name each request used: what the foreign-link test checks.
        _ = try shell("curl -s 'http://localhost:\(server.port)/v2/elsewhere/tags/list?n=2&last=b'")
        let requests = try server.requests()
        #expect(requests.first == .init(path: "/v2/", query: "", host: server.host))
        #expect(requests.last?.host == "localhost:\(server.port)")
    }

    /// A string field of a small JSON object.
    static func field(_ name: String, _ json: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?[name] as? String
    }
}
