// https://github.com/opencontainers/image-spec/blob/main/image-index.md (the synthesized root)

import Manifold

/// One image on a registry as a ``ContentProvider``: what `verify`, `inspect` and `pull`
/// read a `docker://` reference through, with every check they make on files.
///
/// Its one root is an OCI index synthesized here with a single entry: the reference's
/// manifest (or index), its digest computed over the exact bytes served — for a digest
/// reference, the digest given, so that bytes which do not hash to it are reported as a
/// digest mismatch by the walk — its media type and size, and the tag as
/// `org.opencontainers.image.ref.name`. Manifests below it are fetched by digest from
/// `/manifests/`, configs from `/blobs/` (both capped at the document limit); blobs are
/// streamed straight from the response into whoever measures them.
public final class RegistryContentProvider: ContentProvider, Sendable {
    /// The image.
    public let reference: RegistryReference
    package let client: RegistryClient
    /// The top document once fetched: `root` and `document` serve it from here, so the
    /// bytes verified are the bytes the index was made from.
    private let top = Locked<RegistryManifest?>(nil)
    /// The synthesized index once made: push and the walk read it more than once, and the
    /// attached artifacts it lists cost requests per platform.
    private let synthesized = Locked<[UInt8]?>(nil)

    /// Told of each blob's bytes as they arrive: its digest, the bytes so far (a resumed
    /// transfer goes on from where it broke) and its size. For progress displays.
    public typealias BlobProgress = @Sendable (_ digest: Digest, _ done: UInt64, _ size: UInt64) -> Void
    let blobProgress: BlobProgress?

    /// What the synthesized index also lists of what is attached to the image on the
    /// registry: the manifest tagged `sha256-<hex>.sig` (cosign's tag scheme) and the
    /// referrers whose `subject` it is (the referrers API, or on a registry without one the
    /// `sha256-<hex>` index of the tag schema), of the top document and, with
    /// ``AttachedListing/everyPlatform``, of each manifest it lists: what `verify --key`
    /// checks. With ``AttachedListing/carried`` also the `.att` and `.sbom` tags: what a copy
    /// or pull carries.
    let listsAttached: AttachedListing

    package init(reference: RegistryReference, client: RegistryClient, blobProgress: BlobProgress? = nil, listsAttached: AttachedListing = .none) {
        self.reference = reference
        self.client = client
        self.blobProgress = blobProgress
        self.listsAttached = listsAttached
    }

    /// `docker://` and the reference as the user wrote it, normalised.
    public var location: String { RegistryReference.transportPrefix + reference.description }

    public func roots() throws -> [ContentRoot] { [.index] }

    /// The reference's manifest, fetched once (by tag or digest) and kept.
    func topManifest(limit: Int) throws -> RegistryManifest {
        if let known = top.withLock({ $0 }) { return known }
        guard let fetched = try client.manifest(reference.repository, reference: reference.manifestReference, limit: limit) else {
            throw ManifoldError(.absent, "\(reference.canonical): manifest unknown to \(client.host)")
        }
        top.withLock { $0 = fetched }
        return fetched
    }

    public func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]? {
        guard root == .index else { return nil }
        if let known = synthesized.withLock({ $0 }) { return known }
        let manifest = try topManifest(limit: limit)
        var annotations: [String: String]?
        if let tag = reference.tag ?? (reference.digest == nil ? RegistryReference.defaultTag : nil) {
            annotations = ["org.opencontainers.image.ref.name": tag]
        }
        let entry = Descriptor(mediaType: manifest.mediaType, digest: reference.digest ?? manifest.digest,
                               size: Int64(manifest.bytes.count), annotations: annotations)
        var attached: [Descriptor] = []
        if listsAttached != .none {
            var signed = [entry.digest]
            if listsAttached.coversEveryPlatform, MediaType.isIndex(manifest.mediaType) {
                // Listed here as the walk will read them: the index's bytes are checked
                // against its digest there, and each platform's against its descriptor.
                // One that does not parse is reported by the walk, with its words.
                let platforms = (try? ImageIndex(json: try JSONParser.parse(manifest.bytes), declaredMediaType: manifest.mediaType))?.manifests ?? []
                signed += platforms.filter { MediaType.isManifest($0.mediaType) }.map(\.digest)
            }
            // Then what is attached to those (a signature of an attestation), a round per
            // level, until a round finds nothing new: what verify checks with the image, and
            // what a pull or copy carries.
            var asked = Set<Digest>()
            var digests = signed
            var rounds = 0
            while !digests.isEmpty, rounds < Self.attachedLevels {
                rounds += 1
                asked.formUnion(digests)
                let level = digests
                let results = try attachedEntries(to: level, limit: limit)
                digests = []
                for found in results {
                    for descriptor in found where !attached.contains(where: { $0.digest == descriptor.digest }) {
                        attached.append(descriptor)
                        if !asked.contains(descriptor.digest), MediaType.isManifest(descriptor.mediaType) { digests.append(descriptor.digest) }
                    }
                }
            }
        }
        let index: JSONValue = .object(JSONObject([
            ("schemaVersion", .number("2")), ("mediaType", .string(MediaType.ociIndex)), ("manifests", .array(([entry] + attached).map(\.json))),
        ]))
        let bytes = JSONWriter(sortKeys: false).bytes(index)
        synthesized.withLock { $0 = bytes }
        return bytes
    }

    public func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        if let known = top.withLock({ $0 }), known.digest == descriptor.digest || reference.digest == descriptor.digest {
            return known.bytes
        }
        if Self.isManifestType(descriptor.mediaType) {
            return try client.manifest(reference.repository, reference: descriptor.digest.description, limit: limit)?.bytes
        }
        guard descriptor.size <= Int64(limit) else {
            throw ManifoldError(.limitExceeded, "\(Self.path(descriptor.digest)) is \(descriptor.size) bytes, above the \(limit)-byte limit for documents")
        }
        var bytes: [UInt8] = []
        let found = try client.blob(reference.repository, digest: descriptor.digest, size: UInt64(max(descriptor.size, 0))) { chunk in
            guard chunk.count <= limit + 1 - bytes.count else {
                throw ManifoldError(.limitExceeded, "\(Self.path(descriptor.digest)): more than the \(limit)-byte limit for documents")
            }
            bytes += chunk
        }
        return found ? bytes : nil
    }

    public func blob(_ descriptor: Descriptor) throws -> StoredFile? {
        let client = self.client
        let repository = reference.repository
        let digest = descriptor.digest
        let size = UInt64(max(descriptor.size, 0))
        let path = Self.path(digest)
        let identity = "\(client.host)/\(repository.path)@\(digest)"
        let progress = blobProgress
        return StoredFile(path: path, size: size, identity: identity) { consume in
            var done: UInt64 = 0
            let found = try client.blob(repository, digest: digest, size: size) { chunk in
                try consume(chunk)
                guard let progress else { return }
                done += UInt64(chunk.count)
                progress(digest, done, size)
            }
            guard found else {
                throw ManifoldError(.absent, "blob unknown to \(client.host)/\(repository.path)")
            }
        }
    }

    /// How deep what is attached is followed: the image's signatures, a signature of one of
    /// them, and two levels more. A chain deeper than that is not something any signer
    /// writes; the bound keeps a registry that answers with ever new referrers from
    /// holding a pull.
    static let attachedLevels = 4

    /// What is attached to each of `digests`, as index.json entries, in their order: the
    /// manifests under cosign's tags for it (`sha256-<hex>.sig`; with
    /// ``AttachedListing/carried`` `.att` and `.sbom` too), named as a layout names them, and
    /// its referrers, each with its artifact type (by which the walk knows it is attached).
    /// Each is read and verified later like any manifest.
    ///
    /// Every question of the level is asked at once — a pull pays these round trips before
    /// its first blob, and most answers are 404 (nothing attached) — so the `.att` and
    /// `.sbom` lookups add requests but no round trip. Only a registry without the referrers
    /// API costs a second round: the tag schema's `sha256-<hex>` index, asked for the
    /// digests it answered 404 for, again all at once.
    func attachedEntries(to digests: [Digest], limit: Int) throws -> [[Descriptor]] {
        let repository = reference.repository
        let client = self.client
        let suffixes = listsAttached.cosignTagSuffixes
        let tags = digests.map { "\($0.algorithm.rawValue)-\($0.encoded)" }
        // Per digest: one question per cosign tag, then its referrers.
        let perDigest = suffixes.count + 1
        let answers = RequestsAtOnce.run(digests.count * perDigest) { i -> Result<AttachedAnswer, any Error> in
            let (which, question) = i.quotientAndRemainder(dividingBy: perDigest)
            if question < suffixes.count {
                return Result { .tagged(try client.manifest(repository, reference: tags[which] + suffixes[question], limit: limit)) }
            }
            return Result { .referrers(try client.referrers(repository, of: digests[which], limit: limit)) }
        }
        // No referrers API (404 for the digest): the tag schema's index stands in for it.
        var referrers: [[Descriptor]?] = []
        for which in digests.indices {
            guard case .referrers(let listed) = try answers[which * perDigest + suffixes.count].get() else { referrers.append(nil); continue }
            referrers.append(listed)
        }
        let fallbacks = referrers.indices.filter { referrers[$0] == nil }
        let indexes = RequestsAtOnce.run(fallbacks.count) { i in
            Result { try client.manifest(repository, reference: tags[fallbacks[i]], limit: limit) }
        }
        for (i, which) in fallbacks.enumerated() {
            guard let fallback = try indexes[i].get() else { continue }
            do {
                referrers[which] = try ImageIndex(json: try JSONParser.parse(fallback.bytes), declaredMediaType: fallback.mediaType).manifests
            } catch {
                throw ManifoldError(.invalidDocument, "\(repository.canonical):\(tags[which]) (the referrers tag schema's index): \((error as? ManifoldError)?.message ?? "\(error)")")
            }
        }
        var levels: [[Descriptor]] = []
        for which in digests.indices {
            var entries: [Descriptor] = []
            for (question, suffix) in suffixes.enumerated() {
                guard case .tagged(let tagged?) = try answers[which * perDigest + question].get(),
                      !entries.contains(where: { $0.digest == tagged.digest }) else { continue }
                entries.append(Descriptor(mediaType: tagged.mediaType, digest: tagged.digest, size: Int64(tagged.bytes.count),
                                          annotations: ["org.opencontainers.image.ref.name": tags[which] + suffix]))
            }
            for var referrer in referrers[which] ?? [] where Self.isManifestType(referrer.mediaType) && !entries.contains(where: { $0.digest == referrer.digest }) {
                // The referrers API names an artifact type for each; a tag-schema index written
                // without one is still a referrer: its manifest's media type stands for it.
                if referrer.artifactType == nil { referrer.artifactType = referrer.mediaType }
                referrer.annotations = referrer.annotations?.filter { $0.key != "org.opencontainers.image.ref.name" }
                entries.append(referrer)
            }
            levels.append(entries)
        }
        return levels
    }

    /// Manifests and indexes live under `/manifests/`; everything else is a blob.
    static func isManifestType(_ mediaType: String) -> Bool {
        RegistryClient.manifestAccept.contains(mediaType)
    }

    /// How reports name content of a registry: as an OCI layout would store it.
    static func path(_ digest: Digest) -> String { "blobs/\(digest.algorithm.rawValue)/\(digest.encoded)" }
}
