/// How a pull into an existing layout changes its `index.json`: each new root is added; an
/// entry already there that names the same `org.opencontainers.image.ref.name` is replaced
/// by it (a tag names one image), and so is an unnamed entry of the same digest (no
/// duplicates). Every other entry is kept exactly as its bytes were, and so is everything
/// around the `manifests` array. (skopeo's `oci:DIR:TAG` keeps the old entry of a reused
/// name, unnamed; manifold drops it: the layout's blobs stay, only the listing goes.)
enum LayoutIndexMerge {
    /// One entry: its exact JSON bytes, and what decides whether it is replaced.
    struct Entry {
        let bytes: [UInt8]
        let refName: String?
        let digest: String?
    }

    /// The entries of an `index.json` a ``OCILayoutSink`` wrote (the new roots).
    static func roots(of written: [UInt8]) throws -> [Entry] {
        guard case .object(let object) = try JSONParser.parse(written), case .array(let manifests)? = object["manifests"] else {
            throw ManifoldError(.internalFailure, "the new index.json has no manifests array")
        }
        return manifests.map { entry(JSONWriter().bytes($0), $0) }
    }

    /// `existing` (an `index.json`) with `roots` added, replacing as described above.
    static func merge(_ existing: [UInt8], adding roots: [Entry], display: String) throws -> [UInt8] {
        guard case .object = try? JSONParser.parse(existing), let span = manifestsSpan(existing) else {
            throw ManifoldError(.invalidLayout, "\(display) is not an index with a manifests array: the layout cannot be added to (--force replaces it)")
        }
        let names = Set(roots.compactMap(\.refName))
        let digests = Set(roots.compactMap(\.digest))
        var kept: [[UInt8]] = []
        for range in span.elements {
            let bytes = Array(existing[range])
            let old = entry(bytes, (try? JSONParser.parse(bytes)) ?? .null)
            if let name = old.refName, names.contains(name) { continue }
            if old.refName == nil, let digest = old.digest, digests.contains(digest) { continue }
            kept.append(bytes)
        }
        let elements = kept + roots.map(\.bytes)
        return Array(existing[..<span.open]) + Array(elements.joined(separator: [UInt8(ascii: ",")])) + Array(existing[span.close...])
    }

    private static func entry(_ bytes: [UInt8], _ value: JSONValue) -> Entry {
        guard case .object(let object) = value else { return Entry(bytes: bytes, refName: nil, digest: nil) }
        var refName: String?
        if case .object(let annotations)? = object["annotations"], case .string(let name)? = annotations[OCILayoutSink.refName], !name.isEmpty {
            refName = name
        }
        var digest: String?
        if case .string(let text)? = object["digest"] { digest = text }
        return Entry(bytes: bytes, refName: refName, digest: digest)
    }

    /// Where the top-level `manifests` array's contents are: `open` just after its `[`,
    /// `close` at its `]`, and each element's bytes. Nil when there is none. The text was
    /// parsed already, so it is valid JSON; this only finds the spans.
    static func manifestsSpan(_ bytes: [UInt8]) -> (open: Int, close: Int, elements: [Range<Int>])? {
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            i = skipSpace(bytes, i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let keyEnd = skipString(bytes, i)
            let key = (try? JSONParser.parse(Array(bytes[i..<keyEnd]))).flatMap { if case .string(let s) = $0 { s } else { nil } }
            i = skipSpace(bytes, keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(bytes, i + 1)
            if key == "manifests" {
                guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
                let open = i + 1
                var elements: [Range<Int>] = []
                var j = skipSpace(bytes, open)
                if j < bytes.count, bytes[j] == UInt8(ascii: "]") { return (open, j, []) }
                while j < bytes.count {
                    let end = skipValue(bytes, j)
                    elements.append(j..<end)
                    j = skipSpace(bytes, end)
                    guard j < bytes.count else { return nil }
                    if bytes[j] == UInt8(ascii: "]") { return (open, j, elements) }
                    guard bytes[j] == UInt8(ascii: ",") else { return nil }
                    j = skipSpace(bytes, j + 1)
                }
                return nil
            }
            i = skipSpace(bytes, skipValue(bytes, i))
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return i
    }

    /// Just past the string that starts at `start` (its opening quote).
    private static func skipString(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return i
    }

    /// Just past the value that starts at `start`.
    private static func skipValue(_ bytes: [UInt8], _ start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return skipString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i = skipString(bytes, i); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return i
        default:
            var i = start
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return i
        }
    }
}
