import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// The image-spec's own schema test cases (Vectors/image-spec, transcribed from
/// opencontainers/image-spec `schema/*_test.go`), each placed where `manifold verify` reads
/// it, must get the spec's verdict.
///
/// How agreement is judged: the question is whether the *document* is acceptable, so a
/// document the spec marks invalid must make verify report a `document` problem somewhere
/// (or refuse the image as unusable, which is how a broken index.json or oci-layout is
/// reported), and a valid one must make none. Other problems do not count either way: most
/// of these documents name blobs that do not exist (reported `absent`), a config's diff_ids
/// need not match the layers it is placed beside (`diff_id_count`), and `data` is checked
/// against the digest as content — all findings about content, not about the document.
///
/// A disagreement is allowed only when it is listed in ``deviations`` with the sentence of
/// the spec that justifies it (README.md lists the same).
@Suite struct ImageSpecSchemaTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let index: Int
        let comment: String
        let valid: Bool
        let document: String
        var id: String { "\(file)#\(index)" }
        var testDescription: String { "\(id) \(valid ? "valid" : "invalid"): \(comment)" }
    }

    /// The vector files and how many cases each holds, so a truncated transcription fails.
    /// `manifest_test-main` holds the four manifest cases of the main branch that the
    /// transcribed version lacks, restated (see Vectors/image-spec/README.md).
    static let files = ["manifest_test": 8, "manifest_test-main": 4, "descriptor_test": 31, "imageindex_test": 12,
                        "config_test": 10, "imagelayout_test": 2]

    /// Cases where manifold knowingly differs from the schema, with the spec's own words.
    static let deviations: [String: String] = [
        // image-manifest-schema.json says "minItems": 1; manifest.md says only SHOULD.
        "manifest_test#5": "For portability, `layers` SHOULD have at least one entry. (image-spec manifest.md, layers)",
    ]

    static let cases: [Case] = {
        files.keys.sorted().flatMap { name -> [Case] in
            guard let data = try? Data(contentsOf: vectorsDirectory.appendingPathComponent("image-spec/\(name).json")),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let rows = object["cases"] as? [[String: Any]] else { return [] }
            return rows.compactMap { row in
                guard let index = row["index"] as? Int, let valid = row["valid"] as? Bool,
                      let document = row["document"] as? String else { return nil }
                return Case(file: name, index: index, comment: row["comment"] as? String ?? "", valid: valid, document: document)
            }
        }
    }()

    @Test func everyVectorIsLoaded() {
        for (name, count) in Self.files {
            #expect(Self.cases.filter { $0.file == name }.count == count, "\(name)")
        }
        #expect(Self.cases.count == 67)
        // Every deviation names a case that exists.
        for id in Self.deviations.keys { #expect(Self.cases.contains { $0.id == id }, "\(id)") }
    }

    @Test(arguments: cases)
    func verifyAgreesWithTheSpec(_ testCase: Case) throws {
        let deviation = Self.deviations[testCase.id]
        // With a documented deviation, manifold accepts what the schema refuses (or the reverse).
        let expectRejected = deviation == nil ? !testCase.valid : testCase.valid
        for (placement, layout) in try Self.placements(of: testCase) {
            let report = verify(layout)
            let documentProblems = report.results.flatMap(\.problems).filter { $0.kind == .document }.map(\.message)
            let rejected = report.error != nil || !documentProblems.isEmpty
            #expect(rejected == expectRejected,
                    "\(testCase.id) as \(placement): \(report.error?.message ?? "") \(documentProblems)")
        }
    }

    /// The deviation is reported, not silent: verify notes the empty layers.
    @Test func emptyLayersAreANote() throws {
        let testCase = try #require(Self.cases.first { $0.id == "manifest_test#5" })
        let (_, layout) = try #require(Self.placements(of: testCase).first)
        let report = verify(layout)
        let manifest = try #require(report.results.first { $0.kind == .manifest })
        #expect(manifest.notes.contains { $0.contains("layers is empty") && $0.contains("SHOULD have at least one layer") })
        #expect(manifest.problems.isEmpty)
    }

    // MARK: placing a document where verify reads it

    /// Layouts holding the case's document where manifold reads one of its kind, by name.
    static func placements(of testCase: Case) throws -> [(String, URL)] {
        let bytes = Array(testCase.document.utf8)
        switch testCase.file {
        case "manifest_test", "manifest_test-main":
            // The manifest as a blob, listed from index.json with its digest and size.
            let layout = try SpecLayout()
            try layout.writeIndex([layout.descriptor(MediaType.ociManifest, layout.add(bytes))])
            return [("manifest", layout.root)]
        case "imageindex_test":
            // Nested: a blob listed from index.json; and as index.json itself.
            let nested = try SpecLayout()
            try nested.writeIndex([nested.descriptor(MediaType.ociIndex, nested.add(bytes))])
            let root = try SpecLayout()
            try root.writeIndexBytes(bytes)
            return [("nested index", nested.root), ("index.json", root.root)]
        case "descriptor_test":
            // In a manifest's layers, beside a real config; and as an entry of a nested index.
            let inManifest = try SpecLayout()
            let config = try inManifest.add(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]}}"#.utf8))
            let manifest = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","config":\#(inManifest.descriptor(MediaType.ociConfig, config)),"layers":["# + testCase.document + "]}"
            try inManifest.writeIndex([inManifest.descriptor(MediaType.ociManifest, inManifest.add(Array(manifest.utf8)))])
            let inIndex = try SpecLayout()
            let index = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":["# + testCase.document + "]}"
            try inIndex.writeIndex([inIndex.descriptor(MediaType.ociIndex, inIndex.add(Array(index.utf8)))])
            return [("layers[0]", inManifest.root), ("index entry", inIndex.root)]
        case "config_test":
            // The config of a manifest listed from index.json.
            let layout = try SpecLayout()
            let layer = #"{"mediaType":"\#(MediaType.ociLayerGzip)","digest":"sha256:\#(String(repeating: "0", count: 64))","size":1}"#
            let config = try layout.add(bytes)
            let manifest = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","config":\#(layout.descriptor(MediaType.ociConfig, config)),"layers":[\#(layer)]}"#
            try layout.writeIndex([layout.descriptor(MediaType.ociManifest, layout.add(Array(manifest.utf8)))])
            return [("config", layout.root)]
        case "imagelayout_test":
            // The oci-layout file of an otherwise good image.
            let copy = try ImageFixtures.copy("oci-two-platforms")
            try Data(bytes).write(to: copy.appendingPathComponent("oci-layout"))
            return [("oci-layout", copy)]
        default:
            throw ManifoldError(.invalidArgument, "no placement for \(testCase.file)")
        }
    }
}

/// A fresh OCI layout directory to put documents in.
struct SpecLayout {
    let root: URL

    init() throws {
        root = try ImageFixtures.temporaryDirectory().appendingPathComponent("layout")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    }

    /// Stores a blob; its digest and size.
    func add(_ bytes: [UInt8]) throws -> (digest: String, size: Int) {
        let digest = try sha256(bytes)
        try Data(bytes).write(to: root.appendingPathComponent(digest.layoutPath))
        return (digest.description, bytes.count)
    }

    func descriptor(_ mediaType: String, _ blob: (digest: String, size: Int)) -> String {
        #"{"mediaType":"\#(mediaType)","digest":"\#(blob.digest)","size":\#(blob.size)}"#
    }

    func writeIndex(_ entries: [String]) throws {
        try writeIndexBytes(Array(#"{"schemaVersion":2,"manifests":[\#(entries.joined(separator: ","))]}"#.utf8))
    }

    func writeIndexBytes(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent("index.json"))
    }
}
