/// What a command does with the image graph ``ImageWalker`` walks: one method per kind of
/// thing the walk meets, called with what it found and the outcome of reading it.
///
/// The walker applies every rule of the graph (reference selection, --platform, the platform
/// claim, diff_ids, media types, limits, each document walked once); the visitor decides
/// what a problem costs. Verify records it and goes on; inspect and pack throw, which ends
/// the walk there (every method may throw, and the walker passes the error on).
///
/// Methods are called in walk order: a document before its children, an index's entries in
/// the order it lists them, a manifest's config before its layers.
protocol ImageGraphVisitor {
    /// Whether a `docker save` that holds both roots (Docker 25+) is walked from both, or only
    /// from `index.json` (whose images are then checked against `manifest.json`'s).
    var walksEveryRoot: Bool { get }

    /// `index.json`, read or not; `selected`: the positions of the entries the reference
    /// chooses (every entry when it names no tag or digest), which are walked next.
    mutating func visitIndexRoot(_ root: RootReading<ImageIndex>, selected: [Int]) throws
    /// A `docker save` `manifest.json`, read or not; `selected` as for `index.json`.
    mutating func visitDockerRoot(_ root: RootReading<[DockerArchiveManifest]>, selected: [Int]) throws
    /// Tags a Docker 25+ save's two roots give different images; called before either is
    /// walked, and only when the source has both.
    mutating func visitDisagreements(_ disagreements: [DockerSaveAgreement.Disagreement]) throws
    /// Before the referrers found in blobs/ with no index entry (each then visited as an
    /// index entry is), when there are any: where they will be listed.
    mutating func visitUnlistedReferrersRoot(path: [String]) throws

    /// An index, read and decoded or not; its entries follow when it was decoded.
    mutating func visitIndex(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) throws
    /// A manifest, read and decoded or not; its config and layers follow when it was decoded.
    mutating func visitManifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) throws
    /// The config of the manifest visited last; its layers follow.
    mutating func visitConfig(_ found: ConfigFound) throws
    mutating func visitLayer(_ found: LayerFound) throws
    /// An index or manifest listed again: not walked again. `reread`: for one decoded the
    /// first time, this descriptor checked against the bytes read then (its size and digest
    /// may be declared otherwise).
    mutating func visitRepeat(_ entry: GraphEntry, first: FirstVisit, reread: DocumentReader.Outcome?) throws
    /// An image --platform leaves out: by its index entry's platform (nothing of it read), or
    /// — `byConfig` — by its config's, after its manifest (or docker-save entry) was visited.
    mutating func visitSkipped(_ entry: GraphEntry?, platform: Platform, byConfig: Bool) throws
    /// An entry of another media type than an index's or a manifest's: not descended.
    mutating func visitOther(_ entry: GraphEntry) throws
    /// A Docker schema 1 manifest: never read.
    mutating func visitSchema1(_ entry: GraphEntry) throws
    /// The first descriptor past --max-descriptors: nothing more is visited.
    mutating func visitLimit(_ reached: LimitReached) throws

    /// A `docker save` image (or a repeat of one); its config and layers follow unless it is
    /// a repeat.
    mutating func visitDockerEntry(_ found: DockerEntryFound) throws
    mutating func visitDockerConfig(_ found: DockerConfigFound) throws
    mutating func visitDockerLayer(_ found: DockerLayerFound) throws
    /// The end of a `docker save` image walked to its last layer.
    mutating func visitDockerImageEnd(_ found: DockerEntryFound) throws
}

extension ImageGraphVisitor {
    var walksEveryRoot: Bool { false }
    mutating func visitDisagreements(_ disagreements: [DockerSaveAgreement.Disagreement]) throws {}
    mutating func visitUnlistedReferrersRoot(path: [String]) throws {}
    mutating func visitLayer(_ found: LayerFound) throws {}
    mutating func visitDockerImageEnd(_ found: DockerEntryFound) throws {}
}
