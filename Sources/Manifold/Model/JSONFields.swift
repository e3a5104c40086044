/// Typed, strict access to the members of one JSON object of an image document.
///
/// Keys are case-sensitive in the spec, and some readers are not: a `"Layers"` beside (or
/// instead of) `"layers"` could make two readers see two images. So any key that differs
/// only in case from a known key is an error, not a silent extra. Unknown keys are allowed,
/// as the spec requires. `null` for an optional member reads as absent.
struct JSONFields {
    let object: JSONObject
    /// Where this object is, for messages ("layers[2]").
    let context: String

    init(_ value: JSONValue, context: String, known: [String]) throws {
        guard case .object(let object) = value else {
            throw ManifoldError(.invalidDocument, "\(context): expected an object, got \(value.typeName)")
        }
        self.object = object
        self.context = context
        for member in object.members {
            if let exact = Self.caseVariant(of: member.key, among: known) {
                throw ManifoldError(
                    .invalidDocument,
                    "\(context): key \(quoted(member.key)) differs from \(quoted(exact)) only in case; keys are case-sensitive")
            }
        }
    }

    /// The first known key that `key` equals when both are lowercased, unless it is `key`
    /// itself. Every document of a wide image is checked here, member by member: an ASCII
    /// key (all of them, in practice) is compared byte by byte, with no string built; any
    /// other key takes Unicode lowercasing (the Kelvin sign lowercases to an ASCII "k").
    static func caseVariant(of key: String, among known: [String]) -> String? {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
            let lowered = key.lowercased()
            return known.first { $0.lowercased() == lowered }.flatMap { $0 == key ? nil : $0 }
        }
        let count = key.utf8.count
        for candidate in known where candidate.utf8.count == count {
            if candidate.utf8.elementsEqual(key.utf8) { return nil }
            if candidate.utf8.elementsEqual(key.utf8, by: { asciiLowercase($0) == asciiLowercase($1) }) { return candidate }
        }
        return nil
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    func has(_ key: String) -> Bool {
        if let value = object[key], value != .null { return true }
        return false
    }

    private func prefix(_ key: String) -> String { context.isEmpty ? key : "\(context).\(key)" }

    func string(_ key: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw ManifoldError(.invalidDocument, "\(prefix(key)): expected a string, got \(other.typeName)")
        }
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else {
            throw ManifoldError(.invalidDocument, "\(prefix(key)) is missing")
        }
        return text
    }

    func int64(_ key: String) throws -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let literal)?:
            guard let value = Int64(literal) else {
                throw ManifoldError(.invalidDocument, "\(prefix(key)): \(quoted(literal)) is not an integer in the 64-bit range")
            }
            return value
        case let other?: throw ManifoldError(.invalidDocument, "\(prefix(key)): expected an integer, got \(other.typeName)")
        }
    }

    func requiredInt64(_ key: String) throws -> Int64 {
        guard let value = try int64(key) else { throw ManifoldError(.invalidDocument, "\(prefix(key)) is missing") }
        return value
    }

    func array(_ key: String) throws -> [JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let elements)?: return elements
        case let other?: throw ManifoldError(.invalidDocument, "\(prefix(key)): expected an array, got \(other.typeName)")
        }
    }

    /// A required array: absent and `null` are both errors (`"manifests": null` is not an
    /// empty index).
    func requiredArray(_ key: String) throws -> [JSONValue] {
        switch object[key] {
        case .array(let elements)?: return elements
        case nil: throw ManifoldError(.invalidDocument, "\(prefix(key)) is missing")
        case let other?: throw ManifoldError(.invalidDocument, "\(prefix(key)): expected an array, got \(other.typeName)")
        }
    }

    func stringArray(_ key: String) throws -> [String]? {
        try array(key)?.enumerated().map { index, element in
            guard case .string(let text) = element else {
                throw ManifoldError(.invalidDocument, "\(prefix(key))[\(index)]: expected a string, got \(element.typeName)")
            }
            return text
        }
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let members)?:
            var map: [String: String] = [:]
            for (name, value) in members.members {
                guard case .string(let text) = value else {
                    throw ManifoldError(.invalidDocument, "\(prefix(key)).\(name): expected a string, got \(value.typeName)")
                }
                map[name] = text
            }
            return map
        case let other?: throw ManifoldError(.invalidDocument, "\(prefix(key)): expected an object, got \(other.typeName)")
        }
    }

    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }
}
