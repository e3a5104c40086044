extension VerificationWalk {
    /// A docker-save `manifest.json`: when it cannot be used (missing, malformed), neither
    /// can the image.
    func visitDockerRoot(_ root: RootReading<[DockerArchiveManifest]>, selected: [Int]) throws {
        let entries: [DockerArchiveManifest]
        switch root {
        case .read(_, let value):
            entries = value
        case .absent:
            throw ManifoldError(.invalidLayout, "\(source.location): no manifest.json")
        case .unreadable(let error):
            throw error
        case .undecodable(let error):
            guard let error = error as? ManifoldError else { throw error }
            throw ManifoldError(.invalidLayout, error.message.hasPrefix("manifest.json") ? error.message : "manifest.json: \(error.message)")
        }
        append(DescriptorResult(path: ["manifest.json"], kind: .index))
        noteTags(entries.flatMap(\.repoTags))
    }

    /// An image of manifest.json, or a repeat of one (reported as a reference to it).
    func visitDockerEntry(_ found: DockerEntryFound) throws {
        var result = DescriptorResult(path: found.path, kind: .manifest)
        result.tags = found.entry.repoTags
        result.sameAs = found.sameAs
        if found.sameAs == nil {
            copyPlan?.dockerEntry()
            countDockerImage()
            openImage(at: results.count)
        }
        append(result)
    }

    /// Its config: its file name (or blobs/ path) is its digest — the image ID.
    func visitDockerConfig(_ found: DockerConfigFound) throws {
        let read = found.read
        var result = DescriptorResult(path: found.path, kind: .config, mediaType: MediaType.dockerConfig, digest: read.digest)
        noteReferenced(read.path)
        switch read.failure {
        case nil:
            break
        case .absent?:
            result.fail(Problem(.absent, expected: read.path, message: "config \(read.path) is not in the archive"))
        case .unreadable(let error)?:
            result.fail(layoutProblem(error))
        case .mismatch(let named, let actual)?:
            result.fail(Problem(.digest, expected: "\(named)", actual: "\(actual)",
                                message: "digest mismatch: \(read.path) names \(named), content is \(actual)"))
        case .undecodable(let error)?:
            result.fail(documentProblem(error))
        }
        if let platform = found.platform {
            setOpenImagePlatform(platform)
            addPlatform(platform)
            result.platform = platform
        }
        if let config = read.config, let mismatch = found.diffIDMismatch {
            let layers = found.entry.entry.layers.count
            result.fail(Problem(.diffIDCount, expected: "\(layers)", actual: "\(config.diffIDs.count)", message: mismatch))
        }
        append(result)
    }

    func visitDockerLayer(_ found: DockerLayerFound) throws {
        var result = DescriptorResult(path: found.path, kind: .layer, digest: found.named, platform: found.platform)
        noteReferenced(found.file)
        do {
            guard let file = try found.located.get() else {
                if let diffID = found.diffID, let foreign = found.entry.entry.layerSources[diffID.description] {
                    markAbsent(foreign, into: &result)
                } else if options.allowSparse {
                    result.status = .unverified
                    result.reason = .absent
                    result.notes.append("layer absent from the archive (--allow-sparse)")
                } else {
                    result.fail(Problem(.absent, expected: found.file, message: "layer \(found.file) is not in the archive"))
                }
                append(result)
                return
            }
            result.size = Int64(file.size)
            // Docker writes layers uncompressed; the containerd store keeps them as
            // pulled. Sniff, so either gives the diff_id.
            plan(file, result: result, decompression: options.shallow ? .skip : .sniff,
                 expectation: BlobExpectation(digest: result.digest, diffID: options.shallow ? nil : found.diffID))
        } catch {
            result.fail(layoutProblem(error))
            append(result)
        }
    }
}
