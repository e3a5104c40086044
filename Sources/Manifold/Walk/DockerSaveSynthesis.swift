/// The OCI manifest a `docker save` of Docker ≤ 24 implies — it stores none: the config as
/// stored, each layer as stored (uncompressed tars, as Docker writes them), in deterministic
/// JSON, so the same save always gives the same manifest digest.
enum DockerSaveSynthesis {
    /// The manifest for a config (already checked against its name and its diff_ids against
    /// the layers) and the layers' files. A layer's digest is the one its name states; else,
    /// for an uncompressed layer, its diff_id (checked when the layer is copied); else it is
    /// measured here.
    static func manifest(config: Document<ImageConfig>, layers: [(path: String, file: StoredFile)]) throws -> Document<ImageManifest> {
        var descriptors: [Descriptor] = []
        for (i, layer) in layers.enumerated() {
            let compression = Compression.sniff(try layer.file.prefix(Compression.sniffLength))
            let digest: Digest
            if let named = DockerArchiveManifest.digestNamed(by: layer.path) {
                digest = named
            } else if compression == .plain {
                digest = config.value.diffIDs[i]
            } else {
                guard let measured = try BlobCheck().measure(layer.file.input).digest else {
                    throw ManifoldError(.internalFailure, "no digest for \(layer.path)")
                }
                digest = measured
            }
            let mediaType = switch compression {
            case .plain: MediaType.ociLayer
            case .gzip: MediaType.ociLayerGzip
            case .zstd: MediaType.ociLayerZstd
            }
            descriptors.append(Descriptor(mediaType: mediaType, digest: digest, size: Int64(layer.file.size)))
        }
        return try manifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: config.digest, size: Int64(config.bytes.count)),
                            layers: descriptors)
    }

    /// The manifest naming `config` and `layers`, in the same deterministic JSON: also the
    /// one a push with --compress sends, its layers compressed.
    static func manifest(config configDescriptor: Descriptor, layers descriptors: [Descriptor]) throws -> Document<ImageManifest> {
        let json: JSONValue = .object(JSONObject([
            ("config", configDescriptor.json),
            ("layers", .array(descriptors.map(\.json))),
            ("mediaType", .string(MediaType.ociManifest)),
            ("schemaVersion", .number("2")),
        ]))
        let bytes = JSONWriter().bytes(json)
        let manifest = try ImageManifest(json: json, declaredMediaType: MediaType.ociManifest)
        return Document(bytes: bytes, digest: try DigestHasher.digest(of: bytes), value: manifest)
    }
}
