import Foundation
import Testing
@testable import Manifold

/// The rules the image-spec's schemas state, each class tested beyond the spec's own examples
/// (those run in ImageSpecSchemaTests).
@Suite struct SchemaRuleTests {
    static let longName = String(repeating: "x", count: 127)

    static let wellFormedMediaTypes = [
        MediaType.ociIndex, MediaType.ociManifest, MediaType.ociConfig, MediaType.ociLayerGzip, MediaType.ociLayerZstd,
        MediaType.ociEmpty, MediaType.dockerManifestList, MediaType.dockerManifest, MediaType.dockerConfig,
        MediaType.dockerLayerGzip, MediaType.dockerForeignLayerGzip, "application/vnd.in-toto+json", "text/plain",
        "a/b", "0/9", "a!#$&^_.+-/b!#$&^_.+-", "\(longName)/\(longName)",
    ]
    static let malformedMediaTypes = [
        "", "application", "/json", "application/", "a/b/c", ".a/b", "a/.b", "-a/b", "a/+b", "a b/c", "a/b c",
        "application/json; charset=utf-8", "application/json\n", "é/x", "a/é", "a\u{0}/b", "a*/b", "a/b~", "a:b/c",
        "\(longName)x/b", "a/\(longName)x",
    ]

    @Test(arguments: wellFormedMediaTypes)
    func mediaTypeGrammarAccepts(_ text: String) {
        #expect(MediaType.isWellFormed(text))
    }

    @Test(arguments: malformedMediaTypes)
    func mediaTypeGrammarRefuses(_ text: String) {
        #expect(!MediaType.isWellFormed(text))
    }

    static let uris = [
        "https://example.com/foo", "http://169.254.169.254/latest/meta-data/", "file:///etc/shadow",
        "https://user:pass@registry.example.com:5000/v2/blobs/sha256:abc?x=1&y=2#frag", "http://[::1]:5000/v2/",
        "http://[2001:db8::7]/c=GB?objectClass?one", "http://[v7.fe80::a+en1]/", "urn:isbn:0451450523", "mailto:a@b.c",
        "https://example.com/a%20b", "ftp://ftp.is.co.za/rfc/rfc1808.txt", "s3:bucket/key", "x:", "https://example.com",
        "https://example.com:/p", "https://[::ffff:192.0.2.1]/",
    ]
    static let notURIs = [
        "value", "", "/absolute/path", "relative/path", "//host/path", "1http://x", "+a:b", "https://exa mple.com",
        "https://example.com/%zz", "https://example.com/%2", "https://example.com/%", "http://ex<ample>.com",
        "https://é.example.com/", "https://example.com/é", "http://host:port/", "http://[::1/", "http://[::1]x/",
        "http://[zz::1]/", "http://a@b@c/", "https://example.com/a\\b", "https://example.com/#a#b", "http://[v.x]/",
        "https://example.com/\n", "https://example.com/{x}", "https://example.com/a|b",
    ]

    @Test(arguments: uris)
    func uriGrammarAccepts(_ text: String) {
        #expect(URI.isValid(text))
    }

    @Test(arguments: notURIs)
    func uriGrammarRefuses(_ text: String) {
        #expect(!URI.isValid(text))
    }

    static let dateTimes = [
        "2015-10-31T22:22:56.015925234Z", "2015-10-31T22:22:56Z", "2016-02-29T00:00:00+01:00", "2000-02-29T12:00:00-08:30",
        "1970-01-01t00:00:00z", "2015-06-30T23:59:60Z", "0001-01-01T00:00:00Z", "2024-12-31T23:59:59.9+23:59",
    ]
    static let notDateTimes = [
        "", "yesterday", "2015-10-31", "2015-10-31 22:22:56Z", "2015-13-01T00:00:00Z", "2015-00-01T00:00:00Z",
        "2015-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2015-04-31T00:00:00Z", "2015-10-00T00:00:00Z",
        "2015-10-31T24:00:00Z", "2015-10-31T23:60:00Z", "2015-10-31T23:59:61Z", "2015-10-31T22:22:56",
        "2015-10-31T22:22:56.Z", "2015-10-31T22:22:56+0100", "2015-10-31T22:22:56+01", "2015-10-31T22:22:56+24:00",
        "2015-10-31T22:22:56Zjunk", "15-10-31T22:22:56Z", "2015-10-31T22:22:56.123", "２015-10-31T22:22:56Z",
    ]

    @Test(arguments: dateTimes)
    func dateTimeGrammarAccepts(_ text: String) {
        #expect(RFC3339.isDateTime(text))
    }

    @Test(arguments: notDateTimes)
    func dateTimeGrammarRefuses(_ text: String) {
        #expect(!RFC3339.isDateTime(text))
    }

    // MARK: config fields

    static let rootfs = #""rootfs":{"type":"layers","diff_ids":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]}"#

    func config(_ members: String) throws -> ImageConfig {
        try ImageConfig(json: JSONParser.parse(Array("{\(members)\(members.isEmpty ? "" : ",")\(Self.rootfs)}".utf8)))
    }

    /// (members besides rootfs, the words the error must contain: the field, what is wrong).
    static let badConfigs: [(String, [String])] = [
        (#""os":"linux""#, ["architecture is missing"]),
        (#""architecture":"amd64""#, ["os is missing"]),
        (#""architecture":"amd64","os":"linux","created":"2015-10-31""#, ["config.created", "RFC 3339"]),
        (#""architecture":"amd64","os":"linux","created":1446329376"#, ["config.created", "expected a string"]),
        (#""architecture":"amd64","os":"linux","author":["a"]"#, ["config.author", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":"sh""#, ["config.config", "expected an object"]),
        (#""architecture":"amd64","os":"linux","config":{"User":1234}"#, ["config.config.User", "expected a string, got a number"]),
        (#""architecture":"amd64","os":"linux","config":{"ExposedPorts":["80/tcp"]}"#, ["config.config.ExposedPorts", "expected an object"]),
        (#""architecture":"amd64","os":"linux","config":{"ExposedPorts":{"80/tcp":true}}"#, ["config.config.ExposedPorts.80/tcp", "expected an object"]),
        (#""architecture":"amd64","os":"linux","config":{"Env":[7353]}"#, ["config.config.Env[0]", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":{"Env":"A=b"}"#, ["config.config.Env", "expected an array"]),
        (#""architecture":"amd64","os":"linux","config":{"Env":["A=1","foo"]}"#, ["config.config.Env[1]", "\"foo\" is not NAME=VALUE"]),
        (#""architecture":"amd64","os":"linux","config":{"Env":["=value"]}"#, ["config.config.Env[0]", "NAME=VALUE"]),
        (#""architecture":"amd64","os":"linux","config":{"Entrypoint":"/bin/sh"}"#, ["config.config.Entrypoint", "expected an array"]),
        (#""architecture":"amd64","os":"linux","config":{"Cmd":["sh",1]}"#, ["config.config.Cmd[1]", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":{"Volumes":["/data"]}"#, ["config.config.Volumes", "expected an object"]),
        (#""architecture":"amd64","os":"linux","config":{"WorkingDir":0}"#, ["config.config.WorkingDir", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":{"Labels":{"a":1}}"#, ["config.config.Labels.a", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":{"StopSignal":9}"#, ["config.config.StopSignal", "expected a string"]),
        (#""architecture":"amd64","os":"linux","config":{"ArgsEscaped":"true"}"#, ["config.config.ArgsEscaped", "expected a boolean"]),
        (#""architecture":"amd64","os":"linux","config":{"user":"root"}"#, ["\"user\" differs from \"User\" only in case"]),
        (#""architecture":"amd64","os":"linux","history":"should be an array""#, ["config.history", "expected an array"]),
        (#""architecture":"amd64","os":"linux","history":["x"]"#, ["config.history[0]", "expected an object"]),
        (#""architecture":"amd64","os":"linux","history":[{"created":"2015-10-31T22:22:56Z"},{"created":"now"}]"#, ["config.history[1].created", "RFC 3339"]),
        (#""architecture":"amd64","os":"linux","history":[{"created_by":1}]"#, ["config.history[0].created_by", "expected a string"]),
        (#""architecture":"amd64","os":"linux","history":[{"comment":{}}]"#, ["config.history[0].comment", "expected a string"]),
        (#""architecture":"amd64","os":"linux","history":[{"author":false}]"#, ["config.history[0].author", "expected a string"]),
        (#""architecture":"amd64","os":"linux","history":[{"empty_layer":"yes"}]"#, ["config.history[0].empty_layer", "expected a boolean"]),
    ]

    @Test(arguments: badConfigs)
    func configFieldsAreTyped(_ members: String, words: [String]) {
        do {
            _ = try config(members)
            Issue.record("accepted: \(members)")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidDocument)
            for word in words { #expect(error.message.contains(word), "\(error.message)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// `null` reads as absent; unknown members (Docker's, and future ones) stay allowed.
    @Test func configNullsAndUnknownMembersAreAllowed() throws {
        let value = try config(#"""
            "architecture":"amd64","os":"linux","created":"2016-06-10T18:44:31.784795904+02:00","author":null,
            "config":{"User":null,"Env":null,"Entrypoint":null,"Cmd":null,"Volumes":null,"Labels":null,"ExposedPorts":null,
                      "WorkingDir":"","ArgsEscaped":true,"OnBuild":null,"Healthcheck":{"Test":["NONE"]},"Image":"sha256:x"},
            "container_config":{"User":5,"Env":["not checked: not a spec field"]},"docker_version":"1.10.3",
            "history":[{"created":"2016-06-10T18:44:03.360264073Z","empty_layer":true,"created_by":"/bin/sh"},{}]
            """#)
        #expect(value.platform?.description == "linux/amd64")
    }

    // MARK: descriptors

    static let badDescriptors: [(String, [String])] = [
        (#""mediaType":"application","digest":"sha256:\#(zeros)","size":1"#, ["layers[0].mediaType", "\"application\" is not a media type"]),
        (#""mediaType":"","digest":"sha256:\#(zeros)","size":1"#, ["layers[0].mediaType", "is not a media type"]),
        (#""mediaType":"text/plain","artifactType":"foo/.bar","digest":"sha256:\#(zeros)","size":1"#, ["layers[0].artifactType", "is not a media type"]),
        (#""mediaType":"text/plain","digest":"sha256:\#(zeros)","size":1,"urls":["https://a.example/x","value"]"#, ["layers[0].urls[1]", "\"value\" is not a URI"]),
        (#""mediaType":"text/plain","digest":"sha256:\#(zeros)","size":1,"data":"YQ""#, ["layers[0].data", "not valid base64"]),
    ]
    static let zeros = String(repeating: "0", count: 64)

    @Test(arguments: badDescriptors)
    func descriptorRulesNameTheField(_ members: String, words: [String]) throws {
        let json = try JSONParser.parse(Array("{\(members)}".utf8))
        do {
            _ = try Descriptor(json: json, context: "layers[0]")
            Issue.record("accepted: \(members)")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidDocument)
            for word in words { #expect(error.message.contains(word), "\(error.message)") }
        }
    }

    @Test func artifactTypeOfManifestsAndIndexesFollowsTheGrammar() throws {
        let config = #"{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:\#(Self.zeros)","size":2}"#
        let manifest = #"{"schemaVersion":2,"artifactType":"not a type","config":\#(config),"layers":[]}"#
        #expect(throws: ManifoldError.self) { try ImageManifest(json: JSONParser.parse(Array(manifest.utf8)), declaredMediaType: nil) }
        let index = #"{"schemaVersion":2,"artifactType":"application/","manifests":[]}"#
        #expect(throws: ManifoldError.self) { try ImageIndex(json: JSONParser.parse(Array(index.utf8)), declaredMediaType: nil) }
        let good = #"{"schemaVersion":2,"artifactType":"application/vnd.example+type","config":\#(config),"layers":[]}"#
        let decoded = try ImageManifest(json: JSONParser.parse(Array(good.utf8)), declaredMediaType: nil)
        #expect(decoded.portabilityNotes.count == 1)
    }
}

/// The rules reach every command: verify, inspect and pack refuse a broken document with the
/// field named and exit 1.
@Suite struct SchemaRuleCommandTests {
    @Test func everyCommandRefusesABadMediaTypeAndNamesTheField() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        try editor.rewrite(editor.manifestDigest(1)) {
            $0.replacingOccurrences(of: "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\"",
                                    with: "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar gzip\"")
        }
        let verify = try run(manifoldBinary, ["verify", copy.path])
        #expect(verify.status == 1)
        let line = verify.stdout.split(separator: "\n").first { $0.hasPrefix("✗ ") }
        #expect(line?.hasPrefix("✗ index.json › manifests[1] (linux/arm64/v8) sha256:") == true, "\(verify.stdout)")
        #expect(line?.contains("layers[0].mediaType: \"application/vnd.oci.image.layer.v1.tar gzip\" is not a media type") == true)
        let inspect = try run(manifoldBinary, ["inspect", copy.path + ":arm64"])
        #expect(inspect.status == 1)
        #expect(inspect.stderr.contains("layers[0].mediaType"), "\(inspect.stderr)")
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("packed")
        let pack = try run(manifoldBinary, ["pack", "-o", out.path, copy.path])
        #expect(pack.status == 1)
        #expect(pack.stderr.contains("layers[0].mediaType"), "\(pack.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func everyCommandRefusesAConfigUserNumber() throws {
        let copy = try ImageFixtures.copy("oci-two-platforms")
        let editor = LayoutEditor(root: copy)
        try editor.rewrite(editor.manifestParts(editor.manifestDigest(0)).config) {
            $0.replacingOccurrences(of: "\"config\":{\"Env\"", with: "\"config\":{\"User\":1000,\"Env\"")
        }
        let verify = try run(manifoldBinary, ["verify", copy.path])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("✗ index.json › manifests[0] (linux/amd64) › config sha256:"), "\(verify.stdout)")
        #expect(verify.stdout.contains("config.config.User: expected a string, got a number"))
        #expect(try run(manifoldBinary, ["inspect", copy.path + ":amd64"]).status == 1)
        let out = try ImageFixtures.temporaryDirectory().appendingPathComponent("packed")
        let pack = try run(manifoldBinary, ["pack", "-o", out.path, copy.path])
        #expect(pack.status == 1)
        #expect(pack.stderr.contains("config.config.User"), "\(pack.stderr)")
    }
}
