extension VerificationWalk {
    /// Walks a docker-save `manifest.json`: each entry's config (named by its digest in every
    /// generation of the format) and its layers, checked against the config's diff_ids.
    func walkDockerManifest() throws {
        guard let bytes = try source.root(.dockerManifest, limit: options.limits.dockerManifestSize) else {
            throw ManifoldError(.invalidLayout, "\(source.location): no manifest.json")
        }
        let entries: [DockerArchiveManifest]
        do {
            entries = try DockerArchiveManifest.decodeList(try JSONParser.parse(bytes))
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidLayout, error.message.hasPrefix("manifest.json") ? error.message : "manifest.json: \(error.message)")
        }
        append(DescriptorResult(path: ["manifest.json"], kind: .index))
        noteTags(entries.flatMap(\.repoTags))
        // An entry naming the same config and layers as an earlier one is that image again:
        // reported as a reference to it, not read again.
        var firstPaths: [[String]: [String]] = [:]
        for (i, entry) in entries.enumerated() where reference.selects(entry) {
            let path = ["manifest.json", ImageGraphRules.dockerEntryLabel(entry, at: i)]
            guard admit(path) else { return }
            let start = results.count
            if let first = firstPaths[[entry.config] + entry.layers] {
                append(DescriptorResult(path: path, kind: .manifest))
                setRepeat(of: first, tags: entry.repoTags, at: start)
                continue
            }
            firstPaths[[entry.config] + entry.layers] = path
            dockerImages += 1
            visitDockerEntry(entry, path: path)
            setTags(entry.repoTags, of: start)
        }
        // Docker 25+: classic `docker load` reads manifest.json, the containerd store
        // index.json; one tag must name one image in both.
        for disagreement in try DockerSaveAgreement(source: source, limits: options.limits).disagreements() {
            var result = DescriptorResult(path: disagreement.path, kind: .manifest)
            result.fail(Problem(.document, message: disagreement.message))
            append(result)
        }
    }

    private func visitDockerEntry(_ entry: DockerArchiveManifest, path: [String]) {
        let entryIndex = results.count
        append(DescriptorResult(path: path, kind: .manifest))
        // Config: its file name (or blobs/ path) is its digest — the image ID.
        var configResult = DescriptorResult(path: path + ["Config \(entry.config)"], kind: .config,
                                            mediaType: MediaType.dockerConfig, digest: DockerArchiveManifest.digestNamed(by: entry.config))
        var config: ImageConfig?
        noteReferenced(entry.config)
        do {
            if let known = dockerConfigs[entry.config] {
                // Several images sharing a config: read, hashed and decoded once.
                (configResult.digest, config) = (known.digest, known.config)
                for problem in known.problems { configResult.fail(problem) }
            } else if let file = try source.file(at: entry.config) {
                let bytes = try file.readAll(limit: options.limits.documentSize)
                countDocument(bytes.count)
                let algorithm = configResult.digest?.algorithm ?? .sha256
                let actual = try DigestHasher.digest(of: bytes, algorithm: algorithm.isVerifiable ? algorithm : .sha256)
                if let expected = configResult.digest, expected != actual {
                    configResult.fail(Problem(.digest, expected: "\(expected)", actual: "\(actual)",
                                              message: "digest mismatch: \(entry.config) names \(expected), content is \(actual)"))
                } else {
                    configResult.digest = actual
                    do {
                        config = try ImageConfig(json: try JSONParser.parse(bytes))
                    } catch {
                        configResult.fail(documentProblem(error))
                    }
                }
            } else {
                configResult.fail(Problem(.absent, expected: entry.config, message: "config \(entry.config) is not in the archive"))
            }
        } catch {
            configResult.fail(layoutProblem(error))
        }
        dockerConfigs[entry.config] = (configResult.digest, config, configResult.problems)

        let platform = config?.platform
        if let platform {
            if !ImageGraphRules.keeps(platform, wanted: options.platforms) {
                skipPlatform(platform)
                dropResults(from: entryIndex)
                return
            }
            setPlatform(platform, of: entryIndex)
            addPlatform(platform)
            configResult.platform = platform
        }
        if let config, let mismatch = ImageGraphRules.diffIDCountMismatch(config, layers: entry.layers.count) {
            configResult.fail(Problem(.diffIDCount, expected: "\(entry.layers.count)", actual: "\(config.diffIDs.count)", message: mismatch))
        }
        append(configResult)

        let diffIDs = ImageGraphRules.layerDiffIDs(config, layers: entry.layers.count)
        for (i, layerPath) in entry.layers.enumerated() {
            guard admit(path + ["Layers[\(i)] \(layerPath)"]) else { return }
            let diffID = diffIDs?[i]
            var result = DescriptorResult(path: path + ["Layers[\(i)] \(layerPath)"], kind: .layer,
                                          digest: DockerArchiveManifest.digestNamed(by: layerPath), platform: platform)
            noteReferenced(layerPath)
            do {
                guard let file = try source.file(at: layerPath) else {
                    if let diffID, let foreign = entry.layerSources[diffID.description] {
                        markAbsent(foreign, into: &result)
                    } else if options.allowSparse {
                        result.status = .unverified
                        result.reason = .absent
                        result.notes.append("layer absent from the archive (--allow-sparse)")
                    } else {
                        result.fail(Problem(.absent, expected: layerPath, message: "layer \(layerPath) is not in the archive"))
                    }
                    append(result)
                    continue
                }
                result.size = Int64(file.size)
                // Docker writes layers uncompressed; the containerd store keeps them as
                // pulled. Sniff, so either gives the diff_id.
                plan(file, result: result, decompression: options.shallow ? .skip : .sniff,
                     expectation: BlobExpectation(digest: result.digest, diffID: options.shallow ? nil : diffID))
            } catch {
                result.fail(layoutProblem(error))
                append(result)
            }
        }
    }
}
