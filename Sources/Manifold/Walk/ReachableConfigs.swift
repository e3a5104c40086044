/// A visitor that notes, for ``DockerSaveAgreement``, which configs each manifest of an
/// index.json walk names, and where repeats point, so the configs below any entry can be
/// found without walking a document twice. It finds nothing wrong: problems are the
/// business of the walk that reports them.
struct ReachableConfigs: ImageGraphVisitor {
    /// Each manifest decoded, by path, with its config's digest.
    private var configs: [(path: [String], digest: Digest)] = []
    /// Each later listing of an index or manifest, with the path of its first.
    private var repeats: [(path: [String], first: [String])] = []

    /// The configs of every manifest at or below `path`, including those below the first
    /// listing of a document listed again there.
    func below(_ path: [String]) -> Set<Digest> {
        var found: Set<Digest> = []
        var pending = [path]
        var seen: Set<[String]> = []
        while let prefix = pending.popLast() {
            guard seen.insert(prefix).inserted else { continue }
            for config in configs where config.path.starts(with: prefix) { found.insert(config.digest) }
            for listing in repeats where listing.path.starts(with: prefix) { pending.append(listing.first) }
        }
        return found
    }

    mutating func visitManifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) throws {
        if let manifest = outcome.value { configs.append((entry.path, manifest.config.digest)) }
    }

    mutating func visitRepeat(_ entry: GraphEntry, first: FirstVisit, reread: DocumentReader.Outcome?) throws {
        repeats.append((entry.path, first.path))
    }

    mutating func visitIndexRoot(_ root: RootReading<ImageIndex>, selected: [Int]) throws {}
    mutating func visitDockerRoot(_ root: RootReading<[DockerArchiveManifest]>, selected: [Int]) throws {}
    mutating func visitIndex(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) throws {}
    mutating func visitConfig(_ found: ConfigFound) throws {}
    mutating func visitSkipped(_ entry: GraphEntry?, platform: Platform, byConfig: Bool) throws {}
    mutating func visitOther(_ entry: GraphEntry) throws {}
    mutating func visitSchema1(_ entry: GraphEntry) throws {}
    mutating func visitLimit(_ reached: LimitReached) throws {}
    mutating func visitDockerEntry(_ found: DockerEntryFound) throws {}
    mutating func visitDockerConfig(_ found: DockerConfigFound) throws {}
    mutating func visitDockerLayer(_ found: DockerLayerFound) throws {}
}
