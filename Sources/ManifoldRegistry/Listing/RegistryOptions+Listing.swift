import Manifold

extension RegistryOptions {
    /// Every tag of `repository` with its digest, media type, platforms, size and creation
    /// time, sorted by tag. Reads each tag's manifest (and an index's manifests) and each
    /// platform's config; layers are not read. A tag that cannot be read is an error naming it,
    /// and so is a repository of more than `maxTags` tags.
    public func list(_ repository: RepositoryReference, limits: ImageLimits = ImageLimits(),
                     maxTags: Int = defaultMaxTags) throws -> [TagSummary] {
        let client = try client(host: repository.registryHost)
        return try client.tags(repository, maxTags: maxTags).map { tag in
            do {
                return try client.summary(repository, tag: tag, limits: limits)
            } catch let error as ManifoldError {
                throw error.prefixed("\(repository.canonical):\(tag)")
            }
        }
    }
}

extension RegistryClient {
    /// The ``TagSummary`` of one tag.
    func summary(_ repository: RepositoryReference, tag: String, limits: ImageLimits) throws -> TagSummary {
        guard let top = try manifest(repository, reference: tag, limit: limits.documentSize) else {
            throw ManifoldError(.absent, "listed by the registry but its manifest is unknown")
        }
        var manifests: [(bytes: [UInt8], platform: String?)] = []
        let document = try Self.object(top.bytes, "the manifest")
        if case .array(let entries)? = document["manifests"] {
            for case .object(let entry) in entries.prefix(limits.descriptors) {
                if case .object(let annotations)? = entry["annotations"],
                   case .string("attestation-manifest")? = annotations["vnd.docker.reference.type"] { continue }
                guard case .string(let digestText)? = entry["digest"] else { continue }
                var platform: String?
                if case .object(let fields)? = entry["platform"] { platform = Self.platformText(fields) }
                if platform == "unknown/unknown" { continue }
                guard let child = try manifest(repository, reference: try Digest(parsing: digestText).description, limit: limits.documentSize) else {
                    throw ManifoldError(.absent, "manifest \(digestText) of its index is unknown to the registry")
                }
                manifests.append((child.bytes, platform))
            }
        } else {
            manifests.append((top.bytes, nil))
        }
        var platforms: [String] = []
        var sizes: [Digest: UInt64] = [:]
        var created: String?
        for (index, manifest) in manifests.enumerated() {
            let fields = try Self.object(manifest.bytes, "a manifest")
            var blobs: [JSONObject] = []
            if case .object(let config)? = fields["config"] { blobs.append(config) }
            if case .array(let layers)? = fields["layers"] {
                for case .object(let layer) in layers { blobs.append(layer) }
            }
            for blob in blobs {
                if case .string(let text)? = blob["digest"], let digest = try? Digest(parsing: text),
                   case .number(let literal)? = blob["size"], let size = UInt64(literal) {
                    sizes[digest] = size
                }
            }
            var platform = manifest.platform
            if platform == nil || index == 0, case .object(let config)? = fields["config"], case .string(let text)? = config["digest"],
               case .number(let literal)? = config["size"], let size = UInt64(literal), size <= UInt64(limits.documentSize) {
                let digest = try Digest(parsing: text)
                var bytes: [UInt8] = []
                _ = try blob(repository, digest: digest, size: size) { bytes += $0 }
                guard bytes.count == Int(size), try DigestHasher.digest(of: bytes, algorithm: digest.algorithm) == digest else {
                    throw ManifoldError(.digestMismatch, "config \(digest.abbreviated)…: the registry's bytes do not match its digest")
                }
                let configFields = try Self.object(bytes, "config \(digest.abbreviated)…")
                if platform == nil { platform = Self.platformText(configFields) }
                if index == 0, case .string(let date)? = configFields["created"] { created = date }
            }
            if let platform { platforms.append(platform) }
        }
        return TagSummary(tag: tag, digest: top.digest, mediaType: top.mediaType, platforms: platforms,
                          size: sizes.values.reduce(0, +), created: created)
    }

    static func object(_ bytes: [UInt8], _ what: String) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as ManifoldError {
            throw error.prefixed(what)
        }
        guard case .object(let object) = value else {
            throw ManifoldError(.invalidDocument, "\(what): expected a JSON object, got \(value.typeName)")
        }
        return object
    }

    /// `os/architecture[/variant]` from a platform object or a config, nil without both.
    static func platformText(_ fields: JSONObject) -> String? {
        guard case .string(let os)? = fields["os"], case .string(let architecture)? = fields["architecture"] else { return nil }
        if case .string(let variant)? = fields["variant"], !variant.isEmpty { return "\(os)/\(architecture)/\(variant)" }
        return "\(os)/\(architecture)"
    }
}
