import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Copies of the images in Vectors/images, to break in the tests.
enum ImageFixtures {
    static let directory = vectorsDirectory.appendingPathComponent("images")

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh copy of a fixture (directory or tar).
    static func copy(_ name: String) throws -> URL {
        let target = try temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: target)
        return target
    }

    /// An oci-archive of a layout directory: the layout, tarred (what skopeo's oci-archive is).
    static func ociArchive(of layout: URL) throws -> URL {
        let target = layout.deletingLastPathComponent().appendingPathComponent(layout.lastPathComponent + ".oci.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(target.path)' oci-layout index.json blobs")
        return target
    }

    /// A docker-archive of one tagged image of a layout, made by skopeo.
    static func dockerArchive(of layout: URL, tag: String) throws -> URL {
        let target = layout.deletingLastPathComponent().appendingPathComponent(layout.lastPathComponent + ".docker.tar")
        _ = try shell("skopeo copy -q 'oci:\(layout.path):\(tag)' 'docker-archive:\(target.path):example/test:\(tag)'")
        return target
    }
}

/// Edits an OCI layout directory the way an attacker (or a bug) would, re-chaining digests up
/// to index.json so only the intended break remains.
struct LayoutEditor {
    let root: URL

    func blobURL(_ digest: String) -> URL {
        root.appendingPathComponent("blobs/sha256/" + digest.dropFirst("sha256:".count))
    }

    func text(_ digest: String) throws -> String {
        try String(contentsOf: blobURL(digest), encoding: .utf8)
    }

    var indexJSON: String {
        get throws { try String(contentsOf: root.appendingPathComponent("index.json"), encoding: .utf8) }
    }

    func writeIndexJSON(_ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent("index.json"))
    }

    /// The digest of the manifest for index.json entry `entry`.
    func manifestDigest(_ entry: Int) throws -> String {
        let index = try JSONParser.parse(Array(indexJSON.utf8))
        guard case .object(let object) = index, case .array(let manifests)? = object["manifests"],
              case .object(let descriptor) = manifests[entry], case .string(let digest)? = descriptor["digest"] else {
            throw ManifoldError(.invalidDocument, "no manifests[\(entry)]")
        }
        return digest
    }

    /// The digests a manifest names: its config and its layers.
    func manifestParts(_ manifest: String) throws -> (config: String, layers: [String]) {
        let value = try JSONParser.parse(Array(text(manifest).utf8))
        guard case .object(let object) = value, case .object(let config)? = object["config"],
              case .string(let configDigest)? = config["digest"], case .array(let layers)? = object["layers"] else {
            throw ManifoldError(.invalidDocument, "not a manifest")
        }
        let layerDigests = layers.compactMap { layer -> String? in
            guard case .object(let descriptor) = layer, case .string(let digest)? = descriptor["digest"] else { return nil }
            return digest
        }
        return (configDigest, layerDigests)
    }

    /// Replaces a JSON blob by `transform(text)` and points every parent at the new blob.
    @discardableResult
    func rewrite(_ digest: String, _ transform: (String) -> String) throws -> String {
        let old = try Data(contentsOf: blobURL(digest))
        let newText = transform(String(decoding: old, as: UTF8.self))
        let newBytes = Array(newText.utf8)
        let newDigest = try sha256(newBytes).description
        try Data(newBytes).write(to: blobURL(newDigest))
        try repointParents(from: digest, size: old.count, to: newDigest, size: newBytes.count)
        return newDigest
    }

    /// Points every document naming `old` (with its size) at `new` instead.
    func repointParents(from old: String, size oldSize: Int, to new: String, size newSize: Int) throws {
        let needle = "\"\(old)\",\"size\":\(oldSize)"
        let replacement = "\"\(new)\",\"size\":\(newSize)"
        let index = try indexJSON
        if index.contains(needle) { try writeIndexJSON(index.replacingOccurrences(of: needle, with: replacement)) }
        let blobs = root.appendingPathComponent("blobs/sha256")
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs.path) where "sha256:\(name)" != new {
            guard let data = try? Data(contentsOf: blobs.appendingPathComponent(name)), data.count < 1 << 20,
                  let text = String(data: data, encoding: .utf8), text.contains(needle) else { continue }
            try rewrite("sha256:\(name)") { $0.replacingOccurrences(of: needle, with: replacement) }
        }
    }

    func flipByte(_ digest: String, at offset: Int? = nil) throws {
        var data = try Data(contentsOf: blobURL(digest))
        data[offset ?? data.count / 2] ^= 0x01
        try data.write(to: blobURL(digest))
    }
}

/// Flips one byte inside a member of a tar file, found with the library's own tar index.
func flipByte(inTar tar: URL, member: String, at offset: Int? = nil) throws {
    let file = try OpenFile(path: tar.path)
    let index = try TarIndex(file: file)
    guard let entry = index.entry(TarIndex.normalize(member)) else { throw ManifoldError(.invalidLayout, "no \(member)") }
    let position = Int(entry.offset) + (offset ?? Int(entry.size) / 2)
    let handle = try FileHandle(forUpdating: tar)
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(position))
    var byte = try handle.read(upToCount: 1) ?? Data([0])
    byte[0] ^= 0x01
    try handle.seek(toOffset: UInt64(position))
    try handle.write(contentsOf: byte)
}

/// A config's text with the first hex digit of its first diff_id changed.
func breakingFirstDiffID(_ text: String) -> String {
    guard let range = text.range(of: "\"diff_ids\":[\"sha256:") else { return text }
    var copy = text
    let digit = range.upperBound
    copy.replaceSubrange(digit..<copy.index(after: digit), with: copy[digit] == "0" ? "1" : "0")
    return copy
}

/// A layout in `directory` whose one layer is a sparse file of `size` bytes (uncompressed, so
/// verify and pack both read all of it), for the tests that stop a run mid-layer (signals, cancellation). Its digest is made up: a run
/// that is not stopped would take seconds and then fail, never pass.
///
/// Where only reads happen, tests use 64 GiB (``readOnlyLayerSize``): then even a cancellation
/// that comes seconds late, on a machine busy with other tests, comes mid-layer.
func sparseLayerLayout(in directory: URL, size: Int = 4 << 30) throws -> String {
    let root = directory.appendingPathComponent("sparse")
    let blobs = root.appendingPathComponent("blobs/sha256")
    try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
    func put(_ bytes: [UInt8]) throws -> (String, Int) {
        let digest = try sha256(bytes)
        try Data(bytes).write(to: blobs.appendingPathComponent(digest.encoded))
        return (digest.description, bytes.count)
    }
    let layer = String(repeating: "cd", count: 32)
    _ = FileManager.default.createFile(atPath: blobs.appendingPathComponent(layer).path, contents: nil)
    let handle = try FileHandle(forWritingTo: blobs.appendingPathComponent(layer))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
    let (config, configSize) = try put(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:\#(layer)"]}}"#.utf8))
    let (manifest, manifestSize) = try put(Array("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":\(configSize)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:\(layer)","size":\(size)}]}
        """.utf8))
    try Data(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifest)","size":\#(manifestSize)}]}"#.utf8)
        .write(to: root.appendingPathComponent("index.json"))
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    return root.path
}
