/// Signs an image in an OCI layout directory or an oci-archive as cosign signs one with a
/// key (`cosign sign --key`): a simple-signing payload naming the manifest's digest, its
/// signature in the layer's `dev.cosignproject.cosign/signature` annotation, in a manifest
/// that is either tagged `sha256-<hex>.sig` (the tag scheme) or a referrer whose `subject`
/// is the image.
///
/// A layout changes as a pull into it does (``ExistingLayoutSink``): new blobs are written
/// whole under temporary names and renamed into place, then index.json is replaced in one
/// rename. An archive is written anew beside itself (``ImageSigner/signArchive()``) and
/// renamed over the old one, or to `--output`. A run that fails or is interrupted leaves
/// the image as it was (a layout perhaps with unlisted blobs). Two runs on one image take
/// turns: each holds a lock from reading index.json to renaming the new one, so both
/// signatures land.
public struct ImageSigner {
    /// The referrer's artifact type: cosign's for a simple-signing signature stored as an OCI
    /// 1.1 referrer (`--registry-referrers-mode=oci-1-1`).
    public static let referrerArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"
    static let emptyConfig: [UInt8] = Array("{}".utf8)

    public let options: SignOptions

    public init(options: SignOptions) {
        self.options = options
    }

    public func sign() throws -> SignResult {
        let reference = options.image
        let kind = try reference.open(limits: options.limits).kind
        switch kind {
        case .ociLayout:
            if options.output != nil {
                throw ManifoldError(.invalidArgument, "\(reference.path): --output is for an oci-archive; a layout is signed in place")
            }
            // Locked before index.json is read: the signature is added to what is there.
            let layoutSink = try ExistingLayoutSink(reference.path, keeping: [])
            layoutSink.lockIndex()
            let signature = try prepare(try reference.open(limits: options.limits))
            let sink = OCILayoutSink(layoutSink)
            do {
                for (descriptor, bytes) in signature.blobs { try sink.putBlob(descriptor, bytes: bytes) }
                try sink.putDocument(signature.manifest, bytes: signature.manifestBytes)
                try sink.setTag(signature.result.tag, for: signature.manifest)
                try sink.commit()
            } catch {
                sink.abort()
                throw error
            }
            return signature.result
        case .ociArchive:
            return try signArchive()
        default:
            throw ManifoldError(.unsupportedFormat, "\(reference.path): a docker save tar has no place for signatures; copy it to an OCI layout first (`skopeo copy docker-archive:… oci:DIR`)")
        }
    }

    /// The signature of the image `source` holds, ready to write: its payload and config
    /// blobs, its manifest (holding the signatures already under its tag, for the tag
    /// scheme) and what the run reports.
    func prepare(_ source: any ContentProvider) throws -> PreparedSignature {
        let reference = options.image
        let image = try ResolvedImage.open(source, reference: AttachedArtifacts.selectingTheImage(reference, in: source, limits: options.limits), limits: options.limits)
        guard let top = image.topDescriptor else {
            throw ManifoldError(.invalidArgument, "\(reference.path): index.json lists the platforms itself, so no manifest names the image; sign each (`\(reference.path)@sha256:…`)")
        }
        if image.images > 1 {
            throw ManifoldError(.invalidArgument, "\(reference.path) holds \(image.images) images: name the one to sign with :TAG or @DIGEST")
        }
        let identity = options.identity ?? Self.defaultIdentity(reference.path)
        let payload = Self.payload(for: top.digest, identity: identity)
        let signature = try options.key.sign(payload)
        let layer = Descriptor(mediaType: ImageGraphRules.cosignSimpleSigning, digest: try DigestHasher.digest(of: payload),
                               size: Int64(payload.count),
                               annotations: [ImageGraphRules.cosignSignatureAnnotation: Base64.encode(signature)])

        let tag = options.placement == .tag ? "\(top.digest.algorithm.rawValue)-\(top.digest.encoded).sig" : nil
        var layers: [Descriptor] = []
        var blobs: [(Descriptor, [UInt8])] = []
        if let tag {
            // cosign adds to the signatures already under the tag, one layer each.
            layers = try existingLayers(tagged: tag, in: source)
        }
        if !layers.contains(where: { $0.digest == layer.digest && $0.annotations == layer.annotations }) {
            layers.append(layer)
        }
        blobs.append((layer, payload))

        let manifest: [UInt8]
        switch options.placement {
        case .tag:
            let config = Self.cosignConfig(diffIDs: layers.map(\.digest))
            let configDescriptor = Descriptor(mediaType: MediaType.ociConfig, digest: try DigestHasher.digest(of: config), size: Int64(config.count))
            blobs.append((configDescriptor, config))
            manifest = Self.manifest(config: configDescriptor, layers: layers, subject: nil)
        case .referrer:
            let configDescriptor = Descriptor(mediaType: MediaType.ociEmpty, digest: try DigestHasher.digest(of: Self.emptyConfig), size: 2)
            blobs.append((configDescriptor, Self.emptyConfig))
            let subject = Descriptor(mediaType: top.mediaType, digest: top.digest, size: top.size)
            manifest = Self.manifest(config: configDescriptor, layers: layers, subject: subject)
        }
        let manifestDescriptor = Descriptor(mediaType: MediaType.ociManifest, digest: try DigestHasher.digest(of: manifest), size: Int64(manifest.count),
                                            artifactType: options.placement == .referrer ? Self.referrerArtifactType : nil)
        let result = SignResult(signed: top.digest, signatureManifest: manifestDescriptor.digest, tag: tag,
                                signatures: layers.count, identity: identity)
        return PreparedSignature(blobs: blobs, manifest: manifestDescriptor, manifestBytes: manifest, result: result)
    }

    /// The layers of the signature manifest index.json tags `tag`, if any: each signature
    /// there is kept. One that cannot be read is an error, never silently dropped.
    private func existingLayers(tagged tag: String, in source: any ContentProvider) throws -> [Descriptor] {
        guard let bytes = try source.root(.index, limit: options.limits.documentSize) else { return [] }
        let index = try ImageIndex(json: try JSONParser.parse(bytes), declaredMediaType: nil)
        guard let entry = index.manifests.last(where: { $0.referenceName == tag }) else { return [] }
        guard let document = try source.document(entry, limit: options.limits.documentSize) else {
            throw ManifoldError(.absent, "\(options.image.path): the signature manifest tagged \(tag) (\(entry.digest.abbreviated)…) is absent; remove its index.json entry or restore it")
        }
        guard try DigestHasher.digest(of: document, algorithm: entry.digest.algorithm) == entry.digest else {
            throw ManifoldError(.digestMismatch, "\(options.image.path): the signature manifest tagged \(tag) does not match its digest \(entry.digest)")
        }
        let manifest = try ImageManifest(json: try JSONParser.parse(document), declaredMediaType: entry.mediaType)
        return manifest.layers
    }

    /// cosign's payload (`payload.SimpleContainerImage`), as Go's encoding/json writes it:
    /// compact, keys sorted, `"optional":null`.
    static func payload(for digest: Digest, identity: String) -> [UInt8] {
        let critical = JSONValue.object(JSONObject([
            ("identity", .object(JSONObject([("docker-reference", .string(identity))]))),
            ("image", .object(JSONObject([("docker-manifest-digest", .string(digest.description))]))),
            ("type", .string(CosignPayload.type)),
        ]))
        return JSONWriter().bytes(.object(JSONObject([("critical", critical), ("optional", .null)])))
    }

    /// The config cosign writes for a `.sig` manifest (go-containerregistry's empty image with
    /// the payloads appended as layers): field order as Go writes the struct.
    static func cosignConfig(diffIDs: [Digest]) -> [UInt8] {
        let zero = "0001-01-01T00:00:00Z"
        let config = JSONValue.object(JSONObject([
            ("architecture", .string("")),
            ("created", .string(zero)),
            ("history", .array(diffIDs.map { _ in .object(JSONObject([("created", .string(zero))])) })),
            ("os", .string("")),
            ("rootfs", .object(JSONObject([("type", .string("layers")), ("diff_ids", .array(diffIDs.map { .string($0.description) }))]))),
            ("config", .object(JSONObject())),
        ]))
        return JSONWriter(sortKeys: false).bytes(config)
    }

    static func manifest(config: Descriptor, layers: [Descriptor], subject: Descriptor?) -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("schemaVersion", .number("2")), ("mediaType", .string(MediaType.ociManifest)),
        ]
        if subject != nil { members.append(("artifactType", .string(referrerArtifactType))) }
        members.append(("config", config.json))
        members.append(("layers", .array(layers.map(\.json))))
        if let subject { members.append(("subject", subject.json)) }
        return JSONWriter(sortKeys: false).bytes(.object(JSONObject(members)))
    }

    /// The layout directory's own name: what the image is known as when no identity is given.
    static func defaultIdentity(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }
}
