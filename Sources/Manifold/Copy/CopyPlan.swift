/// What a copy needs of the image graph beyond verify's results, gathered by verify's own
/// visitor (``VerificationWalk``) as it walks: the bytes of every document it read and
/// matched (put exactly as read), the root entries chosen, and which entries `--platform`
/// left out of which index, so that index can be rewritten to list only what is kept.
///
/// Nothing here is read again: the walk reads each document once, and a copy puts those bytes.
final class CopyPlan {
    /// A document read, matched to its descriptor and decoded.
    struct Kept {
        let descriptor: Descriptor
        let bytes: [UInt8]
        let manifest: ImageManifest?
        let index: ImageIndex?
    }

    /// index.json's entries the reference selected, in its order.
    private(set) var roots: [(descriptor: Descriptor, position: Int, path: [String])] = []
    /// index.json's entries walked for what they are attached to, not selected themselves
    /// (a selected image's cosign tags and referrers), in the order walked.
    private(set) var attached: [(descriptor: Descriptor, position: Int, path: [String])] = []
    /// Documents by digest.
    private(set) var documents: [Digest: Kept] = [:]
    /// Where each index was walked (by its path), and the paths of its entries by position.
    private(set) var indexAt: [[String]: Digest] = [:]
    private(set) var entryPaths: [[String]: [Int: [String]]] = [:]
    /// Entries left out by `--platform`, by the path of the index listing them.
    private(set) var skipped: [[String]: Set<Int>] = [:]
    /// A repeat's path, and the path where it was first walked.
    private(set) var repeats: [[String]: [String]] = [:]
    /// Docker-save images met (their OCI manifests are implied, not stored): not copied yet.
    private(set) var dockerEntries = 0

    func root(_ index: ImageIndex, selected: [Int]) {
        for position in selected {
            let descriptor = index.manifests[position]
            roots.append((descriptor, position, [ContentRoot.index.name, ImageGraphRules.entryLabel(descriptor, at: position)]))
        }
    }

    func entry(_ entry: GraphEntry) {
        entryPaths[Array(entry.path.dropLast()), default: [:]][entry.position] = entry.path
        if entry.isRootEntry, entry.path.count == 2, entry.path[0] == ContentRoot.index.name,
           !roots.contains(where: { $0.position == entry.position }), !attached.contains(where: { $0.position == entry.position }) {
            attached.append((entry.descriptor, entry.position, entry.path))
        }
    }

    func index(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageIndex>) {
        self.entry(entry)
        guard let document = outcome.document else { return }
        indexAt[entry.path] = document.digest
        keep(entry.descriptor, document.bytes, index: document.value)
    }

    func manifest(_ entry: GraphEntry, _ outcome: DocumentOutcome<ImageManifest>) {
        self.entry(entry)
        guard let document = outcome.document else { return }
        keep(entry.descriptor, document.bytes, manifest: document.value)
    }

    func config(_ found: ConfigFound) {
        guard let document = found.outcome?.document else { return }
        keep(found.descriptor, document.bytes)
    }

    func repeated(_ entry: GraphEntry, first: FirstVisit) {
        self.entry(entry)
        repeats[entry.path] = first.path
    }

    /// The platforms left out, each once, in the order met.
    private(set) var droppedPlatforms: [String] = []

    func skip(_ entry: GraphEntry?, platform: Platform? = nil) {
        if let platform, !droppedPlatforms.contains(platform.description) { droppedPlatforms.append(platform.description) }
        guard let entry else { return }
        self.entry(entry)
        skipped[Array(entry.path.dropLast()), default: []].insert(entry.position)
    }

    func dockerEntry() { dockerEntries += 1 }

    private func keep(_ descriptor: Descriptor, _ bytes: [UInt8], manifest: ImageManifest? = nil, index: ImageIndex? = nil) {
        if documents[descriptor.digest] == nil {
            documents[descriptor.digest] = Kept(descriptor: descriptor, bytes: bytes, manifest: manifest, index: index)
        }
    }
}
