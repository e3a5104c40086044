extension ImageWalker {
    /// Walks a `docker save` `manifest.json`: each image the reference selects, its config
    /// (named by its digest in every generation of the format) and its layers, paired with
    /// the config's diff_ids. An entry naming the same config and layers as an earlier one is
    /// that image again: handed over as a repeat, not walked again.
    mutating func walkDockerRoot<Visitor: ImageGraphVisitor>(_ visitor: inout Visitor) throws {
        let root = readDockerRoot()
        var selected: [Int] = []
        if case .read(_, let entries) = root {
            selected = entries.indices.filter { reference.selects(entries[$0]) }
        }
        try visitor.visitDockerRoot(root, selected: selected)
        guard case .read(_, let entries) = root else { return }
        var firstPaths: [[String]: [String]] = [:]
        for i in selected {
            let entry = entries[i]
            let path = [ContentRoot.dockerManifest.name, ImageGraphRules.dockerEntryLabel(entry, at: i)]
            guard try admit(path, owner: path, &visitor) else { return }
            let key = [entry.config] + entry.layers
            if let first = firstPaths[key] {
                try visitor.visitDockerEntry(DockerEntryFound(path: path, position: i, entry: entry, sameAs: first))
                continue
            }
            firstPaths[key] = path
            let found = DockerEntryFound(path: path, position: i, entry: entry, sameAs: nil)
            try visitor.visitDockerEntry(found)
            if try walkDockerImage(found, &visitor) { try visitor.visitDockerImageEnd(found) }
        }
    }

    /// Walks one docker-save image's config and layers; false when it was left out or the
    /// walk stopped before its end.
    private mutating func walkDockerImage<Visitor: ImageGraphVisitor>(_ found: DockerEntryFound, _ visitor: inout Visitor) throws -> Bool {
        let entry = found.entry
        let configPath = found.path + ["Config \(entry.config)"]
        guard try admit(configPath, owner: found.path, &visitor) else { return false }
        let read = dockerConfig(at: entry.config)
        let platform = read.config?.platform
        if let platform, !ImageGraphRules.keeps(platform, wanted: platforms) {
            try visitor.visitSkipped(nil, platform: platform, byConfig: true)
            return false
        }
        try visitor.visitDockerConfig(DockerConfigFound(entry: found, path: configPath, read: read, platform: platform))

        let diffIDs = ImageGraphRules.layerDiffIDs(read.config, layers: entry.layers.count)
        for (i, file) in entry.layers.enumerated() {
            let path = found.path + ["Layers[\(i)] \(file)"]
            guard try admit(path, owner: found.path, &visitor) else { return false }
            let located = Result { try source.file(at: file) }
            try visitor.visitDockerLayer(DockerLayerFound(entry: found, path: path, position: i, file: file,
                                                          named: DockerArchiveManifest.digestNamed(by: file), located: located,
                                                          diffID: diffIDs?[i], platform: platform))
        }
        return true
    }

    /// The config at `path`, read, checked against the digest its name states and decoded —
    /// once per path, however many images share it.
    mutating func dockerConfig(at path: String) -> DockerConfigRead {
        if let known = dockerConfigs[path] { return known }
        let named = DockerArchiveManifest.digestNamed(by: path)
        var read = DockerConfigRead(path: path, named: named, digest: named)
        do {
            if let file = try source.file(at: path) {
                read.file = file
                let bytes = try file.readAll(limit: limits.documentSize)
                dockerConfigBytes += UInt64(bytes.count)
                dockerConfigCount += 1
                let algorithm = named?.algorithm ?? .sha256
                let actual = try DigestHasher.digest(of: bytes, algorithm: algorithm.isVerifiable ? algorithm : .sha256)
                if let named, named != actual {
                    read.failure = .mismatch(named: named, actual: actual)
                } else {
                    read.digest = actual
                    read.bytes = bytes
                    do {
                        read.config = try ImageConfig(json: JSONParser.parse(bytes))
                    } catch {
                        read.failure = .undecodable(error)
                    }
                }
            } else {
                read.failure = .absent
            }
        } catch {
            read.failure = .unreadable(error)
        }
        dockerConfigs[path] = read
        return read
    }
}
