// libFuzzer entry point for manifold's parsers. One binary, several targets, chosen by
// MANIFOLD_FUZZ_TARGET (see `make fuzz`). Each target checks invariants, not only survival:
// a parsed digest round-trips, a parsed document re-serializes to the same value, a tar
// index never points outside its file, the two gzip backends agree byte for byte. The
// registry client's parsers (FuzzRegistry.swift) hold to the same: what they accept renders
// back to itself, and what they resolve never leaves the registry's host.
@testable import Manifold
@testable import ManifoldBlob
import CSystem
#if canImport(Glibc)
import Glibc
#endif

private let target: String = {
    guard let name = getenv("MANIFOLD_FUZZ_TARGET") else {
        fatalError("set MANIFOLD_FUZZ_TARGET to document, digest, tar, docker-manifest, gzip, zstd, reference, www-authenticate, link, token-response or auth-file")
    }
    return String(cString: name)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    switch target {
    case "document": fuzzDocument(bytes)
    case "digest": fuzzDigest(bytes)
    case "tar": fuzzTar(bytes)
    case "docker-manifest": fuzzDockerManifest(bytes)
    case "gzip": fuzzGzip(bytes)
    case "zstd": fuzzZstd(bytes)
    case "reference": fuzzReference(bytes)
    case "www-authenticate": fuzzWWWAuthenticate(bytes)
    case "link": fuzzLink(bytes)
    case "token-response": fuzzTokenResponse(bytes)
    case "auth-file": fuzzAuthFile(bytes)
    default: fatalError("unknown MANIFOLD_FUZZ_TARGET \(target)")
    }
    return 0
}

/// Any JSON the parser accepts is written back and parses to the same value; any document
/// the decoders accept re-encodes to a value that decodes to the same document.
private func fuzzDocument(_ bytes: [UInt8]) {
    guard let value = try? JSONParser.parse(bytes) else { return }
    for writer in [JSONWriter(), JSONWriter(indent: " ", sortKeys: false)] {
        let again = try? JSONParser.parse(writer.bytes(value))
        if writer.sortKeys {
            precondition(again.map { sortedKeys($0) == sortedKeys(value) } == true, "sorted re-serialization changed the value")
        } else {
            precondition(again == value, "re-serialization changed the value")
        }
    }
    if let index = try? ImageIndex(json: value, declaredMediaType: nil) {
        let reread = try? ImageIndex(json: index.json, declaredMediaType: nil)
        precondition(reread == index, "an index does not survive its own encoding")
        for entry in index.manifests {
            // Every digest that decoded is safe to build a path from.
            precondition(!entry.digest.encoded.contains("/") && !entry.digest.encoded.contains("."), "unsafe digest decoded")
            precondition(entry.size >= 0, "negative size decoded")
        }
    }
    if let manifest = try? ImageManifest(json: value, declaredMediaType: nil) {
        precondition(manifest.layers.allSatisfy { $0.size >= 0 }, "negative size decoded")
    }
    _ = try? ImageConfig(json: value)
}

private func sortedKeys(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let elements): return .array(elements.map(sortedKeys))
    case .object(let object):
        return .object(JSONObject(object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, sortedKeys($0.value)) }))
    default: return value
    }
}

/// A digest that parses prints as its input and parses again to itself.
private func fuzzDigest(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let digest = try? Digest(parsing: text) else { return }
    precondition(digest.description == text, "digest does not round-trip")
    precondition((try? Digest(parsing: digest.description)) == digest, "digest does not re-parse")
    let path = digest.layoutPath
    precondition(path.split(separator: "/", omittingEmptySubsequences: false).count == 3, "blob path escapes blobs/<alg>/")
    precondition(!path.contains(".."), "blob path contains ..")
}

/// A tar index, when built, lists members whose data lies inside the file, with normalized
/// names; looking each one up finds it.
private func fuzzTar(_ bytes: [UInt8]) {
    let fd = manifold_memfd("manifold-fuzz-tar")
    precondition(fd >= 0, "memfd_create failed")
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        precondition(n > 0, "write to memfd failed")
        written += n
    }
    guard let file = try? OpenFile.adopting(fd, name: "fuzz.tar") else { close(fd); return }
    guard let index = try? TarIndex(file: file, maxEntries: 10_000) else { return }
    for entry in index.entries {
        precondition(entry.offset <= file.size && entry.size <= file.size - entry.offset, "tar entry points outside the file")
        precondition(!entry.name.hasPrefix("./") && !entry.name.hasPrefix("/") && !entry.name.contains("//"), "name not normalized")
        precondition(index.entry(entry.name) != nil, "entry not found by its name")
    }
}

/// docker-save paths that survive the archive's path check hold no `..` and are relative.
private func fuzzDockerManifest(_ bytes: [UInt8]) {
    guard let json = try? JSONParser.parse(bytes), let entries = try? DockerArchiveManifest.decodeList(json) else { return }
    for entry in entries {
        for path in [entry.config] + entry.layers {
            guard let components = try? safeComponents(path) else { continue }
            precondition(!components.contains("..") && !components.isEmpty && !path.hasPrefix("/"), "unsafe path accepted: \(path)")
        }
    }
}

/// Differential: ISA-L and zlib give the same bytes, or both refuse; the chunking of the
/// input changes nothing.
private func fuzzGzip(_ bytes: [UInt8]) {
    let piece = Int(bytes.first ?? 1) % 13 + 1
    let isal = decompress(bytes, { try ISALGzipDecompressor() }, piece: nil)
    let isalSplit = decompress(bytes, { try ISALGzipDecompressor() }, piece: piece)
    let zlib = decompress(bytes, { try ZlibGzipDecompressor() }, piece: nil)
    precondition(isal == isalSplit, "ISA-L output depends on chunking")
    precondition(isal == zlib, "ISA-L and zlib disagree: \(String(describing: isal?.count)) vs \(String(describing: zlib?.count))")
}

private func fuzzZstd(_ bytes: [UInt8]) {
    let piece = Int(bytes.first ?? 1) % 13 + 1
    let whole = decompress(bytes, { try ZstdDecompressor(windowLimit: 8 << 20) }, piece: nil)
    let split = decompress(bytes, { try ZstdDecompressor(windowLimit: 8 << 20) }, piece: piece)
    precondition(whole == split, "zstd output depends on chunking")
}

/// The output, or nil when the stream is refused; bounded at 64 MiB so bombs end quickly.
private func decompress(_ bytes: [UInt8], _ make: () throws -> any Decompressor, piece: Int?) -> [UInt8]? {
    guard let decompressor = try? make() else { return nil }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4099, alignment: 64)
    defer { scratch.deallocate() }
    var output: [UInt8] = []
    var tooBig = false
    let sink = { (run: UnsafeRawBufferPointer) throws in
        output.append(contentsOf: run)
        if output.count > 64 << 20 { tooBig = true; throw ManifoldError(.limitExceeded, "fuzz output cap") }
    }
    do {
        try bytes.withUnsafeBytes { all in
            let step = piece ?? max(all.count, 1)
            var offset = 0
            repeat {
                let end = min(offset + step, all.count)
                try decompressor.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]), scratch: scratch, sink: sink)
                offset = end
            } while offset < all.count
        }
        try decompressor.end(scratch: scratch, sink: sink)
    } catch {
        return tooBig ? Array(output.prefix(64 << 20)) : nil
    }
    return output
}
