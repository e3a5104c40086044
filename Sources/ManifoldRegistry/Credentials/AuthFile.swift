// https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
// https://docs.docker.com/reference/cli/docker/#docker-cli-configuration-file-configjson-properties

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// One credentials file: a `containers-auth.json` or Docker `config.json`
/// (`{"auths": {KEY: {"auth": base64(user:pass), "identitytoken": …}}, "credHelpers": {HOST:
/// NAME}, "credsStore": NAME}`), or a legacy `~/.dockercfg` (the `auths` map alone).
///
/// The whole document is kept as parsed — member order, unknown keys and all — so that a
/// login or logout changes one entry and writes everything else back as it was. A missing
/// file reads as empty; a malformed one is an error naming the file.
public struct AuthFile: Sendable {
    /// The largest credentials file read; real ones are a few kilobytes.
    static let sizeLimit = 4 << 20

    /// The file, as named in the search order or by `--authfile`.
    public let path: String
    /// True for the legacy `.dockercfg` layout (no `auths` wrapper).
    public let isLegacyFormat: Bool
    /// False when the file did not exist.
    public let exists: Bool
    /// The document, as read (or as changed since).
    public internal(set) var document: JSONObject

    /// Reads and checks `path`.
    public init(path: String, isLegacyFormat: Bool = false) throws {
        guard let bytes = try Self.readIfPresent(path) else {
            self.init(absentAt: path, isLegacyFormat: isLegacyFormat)
            return
        }
        try self.init(bytes: bytes, path: path, isLegacyFormat: isLegacyFormat)
    }

    /// The empty document of a file that does not exist (yet).
    private init(absentAt path: String, isLegacyFormat: Bool) {
        self.path = path
        self.isLegacyFormat = isLegacyFormat
        self.exists = false
        self.document = JSONObject()
    }

    /// Decodes and checks a file's bytes; `path` names it in messages (and is where
    /// ``write()`` would put it).
    init(bytes: [UInt8], path: String, isLegacyFormat: Bool = false) throws {
        self.path = path
        self.isLegacyFormat = isLegacyFormat
        self.exists = true
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidDocument, "\(path): \(error.message)")
        }
        guard case .object(let object) = value else {
            throw ManifoldError(.invalidDocument, "\(path): expected a JSON object, got \(value.typeName)")
        }
        self.document = object
        try validate()
    }

    /// The `auths` entries in document order: key and entry object.
    public var auths: [(key: String, entry: JSONObject)] {
        let map: JSONObject
        if isLegacyFormat {
            map = document
        } else if case .object(let object)? = document["auths"] {
            map = object
        } else {
            return []
        }
        return map.members.compactMap { member in
            guard case .object(let entry) = member.value else { return nil }
            return (member.key, entry)
        }
    }

    /// `credHelpers`: registry host → helper name.
    public var credentialHelpers: [String: String] {
        guard !isLegacyFormat, case .object(let object)? = document["credHelpers"] else { return [:] }
        var helpers: [String: String] = [:]
        for member in object.members {
            if case .string(let name) = member.value { helpers[member.key] = name }
        }
        return helpers
    }

    /// `credsStore`: the helper for every registry without a `credHelpers` entry.
    public var credentialsStore: String? {
        guard !isLegacyFormat, case .string(let name)? = document["credsStore"], !name.isEmpty else { return nil }
        return name
    }

    /// The types containers/image would refuse to decode, refused here with the field named.
    private func validate() throws {
        func failure(_ field: String, _ expected: String, _ got: JSONValue) -> ManifoldError {
            ManifoldError(.invalidDocument, "\(path): \(field) must be \(expected), got \(got.typeName)")
        }
        let map: JSONObject
        if isLegacyFormat {
            map = document
        } else {
            switch document["auths"] {
            case nil, .null?: map = JSONObject()
            case .object(let object)?: map = object
            case let other?: throw failure("\"auths\"", "an object", other)
            }
            switch document["credHelpers"] {
            case nil, .null?: break
            case .object(let object)?:
                for member in object.members {
                    guard case .string = member.value else {
                        throw failure("\"credHelpers\".\(quoted(member.key))", "a string", member.value)
                    }
                }
            case let other?: throw failure("\"credHelpers\"", "an object", other)
            }
            switch document["credsStore"] {
            case nil, .null?, .string?: break
            case let other?: throw failure("\"credsStore\"", "a string", other)
            }
        }
        for member in map.members {
            guard case .object(let entry) = member.value else {
                throw failure("\"auths\".\(quoted(member.key))", "an object", member.value)
            }
            for field in ["auth", "identitytoken"] {
                switch entry[field] {
                case nil, .null?, .string?: break
                case let other?: throw failure("\"auths\".\(quoted(member.key)).\(field)", "a string", other)
                }
            }
        }
    }

    /// The file's bytes, or nil when it does not exist.
    private static func readIfPresent(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw ManifoldError(.unreadable, path: path, syscall: "open", errno: code)
        }
        let file: OpenFile
        do {
            file = try OpenFile(descriptor: fd, path: path, owned: true)
        } catch let error as ManifoldError {
            throw error.prefixed(path)
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: nil) }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            guard bytes.count <= sizeLimit else {
                throw ManifoldError(.limitExceeded, "\(path): larger than \(sizeLimit) bytes, not a credentials file")
            }
        }
    }
}
