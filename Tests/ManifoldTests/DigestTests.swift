import Foundation
import Testing
@testable import Manifold

@Suite struct DigestTests {
    static let valid: [(String, Bool)] = [
        ("sha256:" + String(repeating: "a", count: 64), true),
        ("sha512:" + String(repeating: "0", count: 128), true),
        ("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", false),
        ("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", false),
        ("blake3:" + String(repeating: "b", count: 64), false),
        ("a.b-c_d:x=y", false),
    ]

    @Test(arguments: valid)
    func parsesValidDigests(_ string: String, verifiable: Bool) throws {
        let digest = try Digest(parsing: string)
        #expect(digest.description == string)
        #expect(digest.isVerifiable == verifiable)
    }

    static let invalid: [String] = [
        "", "sha256", "sha256:", ":abc", "sha256:../../etc/passwd",
        "sha256:" + String(repeating: "A", count: 64),           // uppercase hex
        "sha256:" + String(repeating: "a", count: 63),           // too short
        "sha256:" + String(repeating: "a", count: 65),           // too long
        "sha512:" + String(repeating: "a", count: 64),           // sha256 length under sha512
        "sha256:" + String(repeating: "g", count: 64),           // not hex
        "SHA256:" + String(repeating: "a", count: 64),           // algorithm is lowercase
        "-sha:abc", "sha-:abc", "sh..a:abc", "sha256 :abc", "foo:abc/def", "foo:abc def", "foo:é",
        "bl:\u{31E}bec",  // a combining mark after the colon (found by the digest fuzzer)
    ]

    @Test(arguments: invalid)
    func rejectsInvalidDigests(_ string: String) {
        #expect(errorCode { _ = try Digest(parsing: string) } == .invalidDigest)
    }

    @Test func roundTripsAsAJSONString() throws {
        let digest = try Digest(parsing: "sha256:" + String(repeating: "c", count: 64))
        let encoded = try JSONEncoder().encode([digest])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"\(digest)\"]")
        #expect(try JSONDecoder().decode([Digest].self, from: encoded) == [digest])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Digest].self, from: Data("[\"sha256:ABC\"]".utf8))
        }
    }

    @Test func abbreviatesForPeople() throws {
        let digest = try Digest(parsing: "sha256:0123456789abcdef" + String(repeating: "0", count: 48))
        #expect(digest.abbreviated == "sha256:0123456789ab")
    }
}
