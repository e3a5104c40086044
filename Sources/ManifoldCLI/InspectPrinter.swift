import Manifold

/// What `inspect` prints: documents as JSON the way `docker manifest inspect` shows them
/// (three-space indent, the document's own key order), and the tree.
struct InspectPrinter {
    let image: ResolvedImage

    private static let writer = JSONWriter(indent: "   ", sortKeys: false)

    /// A document re-indented for reading, and a newline; its bytes are unchanged by --raw.
    /// Bytes, written as they are: an index of thousands of entries is not held again as a
    /// String and then as a line.
    func pretty(_ bytes: [UInt8]) -> [UInt8] {
        var shown: [UInt8]
        if let value = try? JSONParser.parse(bytes) {
            shown = Self.writer.bytes(value)
        } else {
            shown = Array(String(decoding: bytes, as: UTF8.self).utf8)  // invalid UTF-8 shown as U+FFFD, as text
        }
        shown.append(UInt8(ascii: "\n"))
        return shown
    }

    /// `--verbose`: per platform, like `docker manifest inspect -v`; with `--platform`, the
    /// selected one alone, in the same array of the same objects. Bytes and a newline, as
    /// ``pretty(_:)``: a 2,000-wide fan-out gives megabytes.
    func verbose(only selected: PlatformManifest? = nil) -> [UInt8] {
        let entries = (selected.map { [$0] } ?? image.manifests + image.attestations).map { platform -> JSONValue in
            var members: [(key: String, value: JSONValue)] = [
                ("Ref", .string(image.reference.description)),
                ("Descriptor", descriptor(platform).json),
                ("Raw", .string(Base64.encode(platform.bytes))),
            ]
            let manifest = (try? JSONParser.parse(platform.bytes)) ?? .null
            let isDocker = platform.descriptor.mediaType == MediaType.dockerManifest
            members.append((isDocker ? "SchemaV2Manifest" : "OCIManifest", manifest))
            if let config = platform.config {
                var summary: [(key: String, value: JSONValue)] = []
                if let os = config.os { summary.append(("os", .string(os))) }
                if let architecture = config.architecture { summary.append(("architecture", .string(architecture))) }
                if let variant = config.variant { summary.append(("variant", .string(variant))) }
                if let version = config.osVersion { summary.append(("os.version", .string(version))) }
                summary.append(("layers", .number("\(platform.manifest.layers.count)")))
                summary.append(("diff_ids", .array(config.diffIDs.map { .string($0.description) })))
                members.append(("Config", .object(JSONObject(summary))))
            }
            if platform.synthesized {
                members.append(("Synthesized", .bool(true)))
            }
            return .object(JSONObject(members))
        }
        var bytes = Self.writer.bytes(.array(entries))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// `--config --json`: per platform, its config's fields under stable keys
    /// (docs/inspect-config-json.md); absent strings are null, absent lists empty.
    func configJSON(_ platforms: [PlatformManifest]) -> String {
        let entries = platforms.map { platform -> JSONValue in
            let config = platform.config
            let execution = config?.execution
            func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
            func strings(_ list: [String]?) -> JSONValue { list.map { .array($0.map(JSONValue.string)) } ?? .null }
            return .object(JSONObject([
                ("platform", string(platform.platform?.description)),
                ("os", string(config?.os)),
                ("architecture", string(config?.architecture)),
                ("variant", string(config?.variant)),
                ("manifest", .string(platform.descriptor.digest.description)),
                ("config", .string(platform.manifest.config.digest.description)),
                ("synthesized", .bool(platform.synthesized)),
                ("created", string(config?.created)),
                ("author", string(config?.author)),
                ("user", string(execution?.user)),
                ("workingDir", string(execution?.workingDir)),
                ("entrypoint", strings(execution?.entrypoint)),
                ("cmd", strings(execution?.cmd)),
                ("env", strings(execution?.env ?? [])),
                ("exposedPorts", strings(execution?.exposedPorts ?? [])),
                ("volumes", strings(execution?.volumes ?? [])),
                ("labels", .object(JSONObject((execution?.labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))),
                ("stopSignal", string(execution?.stopSignal)),
            ]))
        }
        return JSONWriter(indent: "  ", sortKeys: false).string(.array(entries))
    }

    /// `--config`: per platform, its config's fields for a person, as `skopeo inspect
    /// --config` and `crane config` show them; commands as JSON arrays, so spaces are kept.
    func configText(_ platforms: [PlatformManifest]) -> String {
        let compact = JSONWriter(sortKeys: false)
        var blocks: [String] = []
        for platform in platforms {
            var lines = ["\(platform.platform?.description ?? "(no platform)")  manifest \(platform.descriptor.digest.abbreviated)  config \(platform.manifest.config.digest.abbreviated)"
                         + (platform.synthesized ? "  (manifest synthesized from manifest.json)" : "")]
            guard let config = platform.config else {
                blocks.append((lines + ["  (the config is not an image config)"]).joined(separator: "\n"))
                continue
            }
            let execution = config.execution
            func add(_ name: String, _ values: [String]) {
                let label = "  " + name + ":" + String(repeating: " ", count: max(1, 14 - name.count))
                guard let first = values.first else { return lines.append(label + "-") }
                lines.append(label + first)
                for value in values.dropFirst() { lines.append(String(repeating: " ", count: label.count) + value) }
            }
            func command(_ list: [String]?) -> [String] { list.map { [compact.string(.array($0.map(JSONValue.string)))] } ?? [] }
            add("created", config.created.map { [$0] } ?? [])
            add("author", config.author.map { [$0] } ?? [])
            add("platform", [[config.os, config.architecture, config.variant].compactMap { $0 }.joined(separator: "/")].filter { !$0.isEmpty })
            add("user", execution?.user.map { [$0] } ?? [])
            add("working dir", execution?.workingDir.map { [$0] } ?? [])
            add("entrypoint", command(execution?.entrypoint))
            add("cmd", command(execution?.cmd))
            add("env", execution?.env ?? [])
            add("exposed ports", execution?.exposedPorts ?? [])
            add("volumes", execution?.volumes ?? [])
            add("labels", (execution?.labels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            add("stop signal", execution?.stopSignal.map { [$0] } ?? [])
            blocks.append(lines.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// `--platform`: the selected entry's descriptor and manifest.
    func selection(_ platform: PlatformManifest) -> String {
        let manifest = (try? JSONParser.parse(platform.bytes)) ?? .null
        return Self.writer.string(.object(JSONObject([("descriptor", descriptor(platform).json), ("manifest", manifest)])))
    }

    /// The descriptor as the index lists it, with the platform filled in.
    private func descriptor(_ platform: PlatformManifest) -> Descriptor {
        var descriptor = platform.descriptor
        if descriptor.platform == nil { descriptor.platform = platform.platform }
        return descriptor
    }

    /// `--tree`: index › platforms › config and layers, then attestations apart.
    func tree(only selected: PlatformManifest?) -> String {
        var lines: [String] = []
        let kind = image.source.kind?.rawValue ?? "image"
        if let top = image.topDescriptor {
            let tags = image.topIsIndex && !image.topTags.isEmpty ? "  tags: " + image.topTags.joined(separator: ", ") : ""
            lines.append("\(image.reference) (\(kind))  \(image.topIsIndex ? "index" : "manifest") \(top.digest)  \(formatBytes(UInt64(top.size)))  \(shortType(top.mediaType))\(tags)")
        } else {
            lines.append("\(image.reference) (\(kind))  \(image.nodes.first?.path.first ?? "index.json")  \(counted(image.manifests.count, "platform"))")
        }
        let platforms = selected.map { [$0] } ?? image.manifests
        if let selected {
            lines += branch(selected, prefix: "", last: true)
        } else {
            lines += graph()
        }
        if selected == nil, !image.attestations.isEmpty {
            // Signatures and other artifacts too: none is a platform (`inspect --referrers` details them).
            let onlyAttestations = image.attestations.allSatisfy { ($0.artifact?.kind ?? .attestation) == .attestation }
            lines.append("└─ \(onlyAttestations ? "attestations" : "attached artifacts") (never selected)")
            for (i, attestation) in image.attestations.enumerated() {
                let last = i == image.attestations.count - 1
                let target = attestation.artifact?.subject
                    ?? attestation.descriptor.annotations?["vnd.docker.reference.digest"].flatMap { try? Digest(parsing: $0) }
                let forPlatform = target.flatMap { digest in image.manifests.first { $0.descriptor.digest == digest }?.platform }
                let kind = onlyAttestations ? "" : "  \(attestation.artifact?.kind.rawValue ?? "attestation")"
                let what = forPlatform.map { "  for \($0)" } ?? (onlyAttestations ? "" : target.map { "  of \($0.abbreviated)" } ?? "")
                lines.append("   \(last ? "└─" : "├─") \(attestation.descriptor.digest.abbreviated)  \(formatBytes(UInt64(attestation.descriptor.size)))\(kind)\(what)")
            }
        }
        let all = platforms
        let layers = all.reduce(0) { $0 + $1.manifest.layers.count }
        // Counted once each, however many manifests share them: platforms and blobs.
        let distinctPlatforms = Set(all.map(\.platform)).count
        var blobs: [Digest: UInt64] = [:]
        for platform in all {
            for blob in [platform.manifest.config] + platform.manifest.layers { blobs[blob.digest] = UInt64(max(blob.size, 0)) }
        }
        let bytes = blobs.values.saturatingSum()
        let images = selected == nil && image.images > 1 ? "\(counted(image.images, "image")), " : ""
        lines.append("\(images)\(counted(distinctPlatforms, "platform")), \(counted(layers, "layer")), \(formatBytes(bytes)) of config and layers")
        return lines.joined(separator: "\n")
    }

    /// The graph below the top document: nested indexes, each manifest's config and layers,
    /// and every document listed again as one line naming where it first appeared.
    /// Attestations are left to their own section.
    private func graph() -> [String] {
        let nodes = image.nodes.filter { !$0.isAttestation }
        // Whether each node is the last of its siblings: one pass from the end.
        var last = [Bool](repeating: true, count: nodes.count)
        var later: [Bool] = []
        for i in nodes.indices.reversed() {
            let depth = nodes[i].depth
            if later.count > depth + 1 { later.removeLast(later.count - depth - 1) }
            while later.count <= depth { later.append(false) }
            last[i] = !later[depth]
            later[depth] = true
        }
        var lines: [String] = []
        var open: [Bool] = []  // per depth: does the branch above continue below?
        let attestationsFollow = !image.attestations.isEmpty
        for (i, node) in nodes.enumerated() {
            open.removeLast(max(0, open.count - node.depth))
            let isLast = last[i] && !(node.depth == 0 && attestationsFollow)
            let prefix = open.map { $0 ? "│  " : "   " }.joined()
            let tags = node.tags.isEmpty ? "" : "  tags: " + node.tags.joined(separator: ", ")
            let head = prefix + (isLast ? "└─ " : "├─ ")
            let size = formatBytes(UInt64(max(node.descriptor.size, 0)))
            if let first = node.sameAs {
                let name = node.kind == .index ? "index" : "\(node.descriptor.platform?.description ?? "(no platform)")  manifest"
                lines.append("\(head)\(name) \(node.descriptor.digest.abbreviated)  \(size)  (see \(first.joined(separator: " › ")))\(tags)")
            } else if let platform = node.image {
                lines += branch(platform, prefix: prefix, last: isLast, tags: tags)
            } else {
                switch node.kind {
                case .index: lines.append("\(head)index \(node.descriptor.digest.abbreviated)  \(size)  \(shortType(node.descriptor.mediaType))\(tags)")
                case .absent: lines.append("\(head)\(node.descriptor.platform?.description ?? "manifest") \(node.descriptor.digest.abbreviated)  absent (sparse): left out\(tags)")
                case .manifest, .other: lines.append("\(head)\(node.descriptor.digest.abbreviated)  \(node.descriptor.mediaType): left out\(tags)")
                }
            }
            open.append(!isLast)
        }
        return lines
    }

    private func branch(_ platform: PlatformManifest, prefix: String, last: Bool, tags: String = "") -> [String] {
        let head = prefix + (last ? "└─ " : "├─ ")
        let indent = prefix + (last ? "   " : "│  ")
        let name = platform.platform?.description ?? "(no platform)"
        var lines = ["\(head)\(name)  manifest \(platform.descriptor.digest.abbreviated)  \(formatBytes(UInt64(platform.descriptor.size)))  \(shortType(platform.descriptor.mediaType))\(platform.synthesized ? "  (synthesized from manifest.json)" : "")\(tags)"]
        let config = platform.manifest.config
        let layers = platform.manifest.layers
        lines.append("\(indent)\(layers.isEmpty ? "└─" : "├─") config    \(config.digest.abbreviated)  \(formatBytes(UInt64(config.size)))")
        for (i, layer) in layers.enumerated() {
            let mark = i == layers.count - 1 ? "└─" : "├─"
            lines.append("\(indent)\(mark) layer \(i)   \(layer.digest.abbreviated)  \(formatBytes(UInt64(layer.size)))  \(shortType(layer.mediaType))")
        }
        return lines
    }

    /// `application/vnd.oci.image.layer.v1.tar+gzip` → `oci layer tar+gzip`, for the tree.
    private func shortType(_ type: String) -> String {
        switch type {
        case MediaType.ociIndex: return "oci index"
        case MediaType.ociManifest: return "oci"
        case MediaType.dockerManifestList: return "docker manifest list"
        case MediaType.dockerManifest: return "docker v2"
        default:
            if let range = type.firstRange(of: ".tar") { return String(type[range.lowerBound...].dropFirst()) }
            return type
        }
    }
}

