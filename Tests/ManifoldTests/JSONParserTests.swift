import Testing
@testable import Manifold

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func parsesDocumentsKeepingOrderAndLiterals() throws {
        let value = try parse(#" {"b": [1, -2.5e3, true, null], "a": "x\u00e9\ud83d\ude00\/"} "#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(object["a"] == .string("xé😀/"))
    }

    static let rejected: [(String, String)] = [
        (#"{"a":1,"a":2}"#, "duplicate key"),
        (#"{"a":1,}"#, "expected a string key"),
        (#"[1,]"#, "unexpected character"),
        (#"{"a":01}"#, "leading zero"),
        (#"{"a":1} x"#, "after the JSON value"),
        (#""\ud800""#, "unpaired surrogate"),
        (#""\udc00""#, "unpaired surrogate"),
        ("\"a\u{01}b\"", "control character"),
        (#""\x""#, "invalid escape"),
        ("", "unexpected end"),
        ("nul", "invalid literal"),
        (#"{"a":1"#, "unexpected end"),
        ("[NaN]", "unexpected character"),
        ("-", "invalid number"),
        ("1.", "no digits after"),
    ]

    @Test(arguments: rejected)
    func rejectsNonStrictJSON(_ text: String, words: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidDocument)
            #expect(error.message.contains(words), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rejectsInvalidUTF8AndBOM() {
        #expect(errorCode { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) } == .invalidDocument)      // bad continuation
        #expect(errorCode { _ = try JSONParser.parse([0x22, 0xC0, 0xAF, 0x22]) } == .invalidDocument)      // overlong '/'
        #expect(errorCode { _ = try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) } == .invalidDocument) // UTF-8 surrogate
        #expect(errorCode { _ = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) } == .invalidDocument)
    }

    @Test func capsNestingWithoutRecursingForever() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(errorCode { _ = try JSONParser.parse(deep) } == .invalidDocument)
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { _ = try parse(ok) }
    }

    @Test func writerIsDeterministic() throws {
        let value = try parse(#"{"z":"a/b","a":{"y":[1,2],"b":"é\n\u0001"}}"#)
        #expect(JSONWriter().string(value) == #"{"a":{"b":"é\n\u0001","y":[1,2]},"z":"a/b"}"#)
        #expect(JSONWriter(sortKeys: false).string(value) == #"{"z":"a/b","a":{"y":[1,2],"b":"é\n\u0001"}}"#)
        #expect(JSONWriter(indent: "  ").string(.object(JSONObject([("a", .array([]))]))) == "{\n  \"a\": []\n}")
        #expect(try JSONParser.parse(JSONWriter().bytes(value)) == parse(JSONWriter().string(value)))
    }
}

@Suite struct ModelTests {
    static let digest = "sha256:" + String(repeating: "a", count: 64)
    static let descriptor = #"{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\#(digest)","size":10}"#
    static let config = #"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(digest)","size":10}"#

    func manifest(_ text: String, declared: String? = MediaType.ociManifest) throws -> ImageManifest {
        try ImageManifest(json: JSONParser.parse(Array(text.utf8)), declaredMediaType: declared)
    }

    func index(_ text: String, declared: String? = MediaType.ociIndex) throws -> ImageIndex {
        try ImageIndex(json: JSONParser.parse(Array(text.utf8)), declaredMediaType: declared)
    }

    @Test func decodesAManifest() throws {
        let value = try manifest(#"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","config":\#(Self.config),"layers":[\#(Self.descriptor)],"annotations":{"k":"v"}}"#)
        #expect(value.layers.count == 1)
        #expect(value.layers[0].size == 10)
        #expect(value.annotations == ["k": "v"])
    }

    static let badManifests: [(String, String)] = [
        (#"{"schemaVersion":2,"config":\#(config),"layers":[],"manifests":[]}"#, "ambiguous"),
        (#"{"schemaVersion":2,"config":\#(config),"Layers":[]}"#, "only in case"),
        (#"{"schemaVersion":2,"mediaType":"\#(MediaType.dockerManifest)","config":\#(config),"layers":[]}"#, "differs from the descriptor"),
        (#"{"config":\#(config),"layers":[]}"#, "schemaVersion is missing"),
        (#"{"schemaVersion":3,"config":\#(config),"layers":[]}"#, "must be 2"),
        (#"{"schemaVersion":2,"layers":[]}"#, "config is missing"),
        (#"{"schemaVersion":2,"config":\#(config)}"#, "layers is missing"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":null}"#, "expected an array, got null"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"mediaType":"x","digest":"sha256:../../etc/passwd","size":1}]}"#, "layers[0].digest"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"mediaType":"x","digest":"\#(digest)","size":-1}]}"#, "negative"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"mediaType":"x","digest":"\#(digest)","size":1.5}]}"#, "not an integer"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"mediaType":"x","digest":"\#(digest)","size":99999999999999999999}]}"#, "64-bit"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"mediaType":"x","digest":"\#(digest)","size":"1"}]}"#, "expected an integer"),
        (#"{"schemaVersion":2,"config":\#(config),"layers":[{"MediaType":"x","digest":"\#(digest)","size":1}]}"#, "only in case"),
    ]

    @Test(arguments: badManifests)
    func rejectsBadManifests(_ text: String, words: String) {
        do {
            _ = try manifest(text)
            Issue.record("accepted \(text)")
        } catch let error as ManifoldError {
            #expect(error.message.contains(words), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rejectsAmbiguousAndNullIndexes() {
        #expect(errorCode { _ = try index(#"{"schemaVersion":2,"manifests":[],"config":\#(Self.config)}"#) } == .invalidDocument)
        #expect(errorCode { _ = try index(#"{"schemaVersion":2,"manifests":[],"layers":[]}"#) } == .invalidDocument)
        #expect(errorCode { _ = try index(#"{"schemaVersion":2,"manifests":null}"#) } == .invalidDocument)
        #expect(errorCode { _ = try index(#"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","manifests":[]}"#, declared: nil) } == .invalidDocument)
        #expect(errorCode { _ = try index(#"{"schemaVersion":2,"manifests":[]}"#) } == nil)
    }

    @Test func namesDockerSchema1() {
        #expect(errorCode { _ = try manifest(#"{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}"#) } == .unsupportedFormat)
        #expect(errorCode { _ = try manifest(#"{"schemaVersion":2,"mediaType":"\#(MediaType.dockerSchema1SignedManifest)","config":\#(Self.config),"layers":[]}"#, declared: nil) } == .unsupportedFormat)
    }

    @Test func decodesConfigsStrictly() throws {
        let good = try ImageConfig(json: JSONParser.parse(Array(#"{"architecture":"arm","os":"linux","variant":"v7","rootfs":{"type":"layers","diff_ids":["\#(Self.digest)"]}}"#.utf8)))
        #expect(good.platform == Platform(os: "linux", architecture: "arm", variant: "v7"))
        #expect(good.diffIDs.count == 1)
        #expect(errorCode { _ = try ImageConfig(json: JSONParser.parse(Array(#"{"rootfs":{"type":"none","diff_ids":[]}}"#.utf8))) } == .invalidDocument)
        #expect(errorCode { _ = try ImageConfig(json: JSONParser.parse(Array(#"{"rootfs":{"type":"layers","diff_ids":["sha256:x"]}}"#.utf8))) } == .invalidDocument)
        #expect(errorCode { _ = try ImageConfig(json: JSONParser.parse(Array(#"{"Architecture":"x","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8))) } == .invalidDocument)
    }

    @Test func base64IsStrict() {
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("aGVsbG8") == nil)       // unpadded
        #expect(Base64.decode("aGVsbG9=") == nil)      // non-zero padding bits
        #expect(Base64.decode("aGV sbG8=") == nil)     // whitespace
        #expect(Base64.decode("aG=sbG8=") == nil)      // padding inside
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8($0 * 37 % 256) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }
}

@Suite struct PlatformTests {
    static let equivalent: [(String, String)] = [
        ("linux/aarch64", "linux/arm64"), ("linux/arm64/v8", "linux/arm64"), ("linux/x86_64", "linux/amd64"),
        ("linux/x86-64", "linux/amd64"), ("linux/amd64/v1", "linux/amd64"), ("linux/armhf", "linux/arm/v7"),
        ("linux/armel", "linux/arm/v6"), ("linux/arm", "linux/arm/v7"), ("linux/i386", "linux/386"),
        ("macos/arm64", "darwin/arm64"), ("Linux/AMD64", "linux/amd64"), ("linux/arm/7", "linux/arm/v7"),
    ]

    @Test(arguments: equivalent)
    func normalizes(_ left: String, _ right: String) throws {
        #expect(try Platform(parsing: left).normalized == Platform(parsing: right).normalized)
        #expect(try Platform(parsing: left).isSelected(by: Platform(parsing: right)))
    }

    @Test func distinguishesWhatDiffers() throws {
        #expect(try !Platform(parsing: "linux/arm/v6").isSelected(by: Platform(parsing: "linux/arm/v7")))
        #expect(try !Platform(parsing: "linux/arm/v6").isSelected(by: Platform(parsing: "linux/arm")))
        #expect(try !Platform(parsing: "linux/amd64").isSelected(by: Platform(parsing: "windows/amd64")))
        #expect(try !Platform(parsing: "linux/amd64/v3").isSelected(by: Platform(parsing: "linux/amd64")))
        // A config without a variant does not contradict its entry's variant.
        #expect(Platform(os: "linux", architecture: "arm", variant: "v6").describes(config: Platform(os: "linux", architecture: "arm")))
        #expect(!Platform(os: "linux", architecture: "arm", variant: "v6").describes(config: Platform(os: "linux", architecture: "arm", variant: "v7")))
        #expect(!Platform(os: "windows", architecture: "amd64", osVersion: "10.0.1").describes(config: Platform(os: "windows", architecture: "amd64", osVersion: "10.0.2")))
    }

    @Test func parsesOnlyOsArchVariant() {
        for bad in ["linux", "linux/", "/amd64", "linux/arm/v7/x", ""] {
            #expect(errorCode { _ = try Platform(parsing: bad) } == .invalidArgument, "\(bad)")
        }
    }

    @Test func roundTripsEveryField() throws {
        let platform = Platform(os: "windows", architecture: "amd64", variant: nil, osVersion: "10.0.17763.1879",
                                osFeatures: ["win32k"], features: ["sse4"])
        let text = JSONWriter().string(platform.json)
        #expect(try Platform(json: JSONParser.parse(Array(text.utf8)), context: "p") == platform)
    }
}
