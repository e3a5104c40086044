import Manifold

/// The human report: a tree of the image (image › platform › config/layers) with a mark per
/// descriptor, then every failure on one line with its full path, then a summary line.
struct VerifyPrinter {
    let report: VerificationReport
    let quiet: Bool

    var text: String {
        var lines: [String] = []
        if report.status == .unusable && report.results.isEmpty {
            let message = report.error?.message ?? "cannot be used"
            let line = message.hasPrefix(report.image) ? message : "\(report.image): \(message)"
            return "✗ \(line)\n\(report.image): UNUSABLE"
        }
        if !quiet {
            lines.append("\(report.kind?.rawValue ?? "image") \(report.image)")
            lines += tree()
            lines += artifacts()
            for note in report.notes { lines.append("note: \(note)") }
        }
        for result in report.results where result.status == .failed {
            for problem in result.problems {
                lines.append("✗ \(result.pathString)\(result.digest.map { " \($0.abbreviated)…" } ?? ""): \(problem.message)")
            }
        }
        for result in report.results where result.reason == .unsupportedAlgorithm {
            lines.append("✗ \(result.pathString): digest algorithm \(result.digest?.algorithm.rawValue ?? "?") cannot be computed: unverified")
        }
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    private var summary: String {
        let platforms = report.platforms.count
        let rate = Double(report.byteCount) / max(report.seconds, 0.000_001)
        let images = report.images > 1 ? "\(counted(report.images, "image")), " : ""
        let counts = "\(images)\(counted(platforms, "platform")), \(artifactCounts)\(counted(report.blobCount, "blob")), \(formatBytes(report.byteCount)) in \(formatDecimal(report.seconds, places: 2)) s (\(formatBytes(UInt64(rate)))/s)"
        let failed = report.failedResults.count
        let unverified = report.unverifiedResults.count
        let verdict: String
        switch report.status {
        case .verified:
            verdict = "verified" + (report.shallow ? " (shallow: diff_ids not checked)" : "")
                + (unverified > 0 ? ", \(unverified) unverified" : "")
        case .failed:
            verdict = "FAILED: \(failed) failed, \(unverified) unverified"
        case .unusable:
            let unreadable = report.results.filter { $0.problems.contains { $0.kind == .unreadable } }.count
            verdict = "UNUSABLE" + (unreadable > 0 ? ": \(unreadable) could not be read" : "")
        }
        return "\(report.image): \(counts): \(verdict)"
    }

    /// `1 signature, 1 attestation, ` (nothing when there is no artifact).
    private var artifactCounts: String {
        var counts: [Artifact.Kind: Int] = [:]
        for result in report.artifactResults { counts[result.artifact!.kind, default: 0] += 1 }
        let kinds: [(Artifact.Kind, String)] = [(.signature, "signature manifest"), (.attestation, "attestation"), (.sbom, "SBOM"), (.other, "other artifact")]
        return kinds.compactMap { kind, noun in counts[kind].map { counted($0, noun) + ", " } }.joined()
    }

    /// Artifacts grouped under the manifest they are attached to, each signature with its
    /// verdict, then whether the requirement is met.
    private func artifacts() -> [String] {
        let artifacts = report.artifactResults
        let signatures = report.signatures
        guard !artifacts.isEmpty || signatures?.checked == true else { return [] }
        var lines: [String] = []
        if let signatures, signatures.checked {
            var trust = signatures.keys.isEmpty ? [] : ["keys: " + signatures.keys.map { "\($0.name) (\($0.algorithm.rawValue))" }.joined(separator: ", ")]
            if let policy = signatures.trustPolicy { trust.append("Notation trust policy: \(policy)") }
            lines.append("signatures (\(trust.joined(separator: "; ")); required on: \(signatures.requirement == .top ? "each image's top manifest or index" : "each image's top manifest or index and every platform manifest")):")
        } else {
            lines.append("attached artifacts:")
        }
        // Where each manifest is, to name what an artifact is attached to.
        var placeOf: [Digest: String] = [:]
        for result in report.results where result.sameAs == nil && (result.kind == .manifest || result.kind == .index) {
            if let digest = result.digest, placeOf[digest] == nil { placeOf[digest] = result.pathString }
        }
        // A signature known by nothing but its payload is grouped under what the payload names.
        let signs: [Digest: Digest] = Dictionary(
            (signatures?.signatures ?? []).compactMap { s in s.signs.map { (s.artifactDigest, $0) } }, uniquingKeysWith: { first, _ in first })
        func subject(_ result: DescriptorResult) -> Digest? { result.artifact?.subject ?? result.digest.flatMap { signs[$0] } }
        var subjects: [Digest?] = []
        for result in artifacts where !subjects.contains(subject(result)) { subjects.append(subject(result)) }
        for target in subjects {
            let place = target.map { digest in placeOf[digest].map { "\($0)  \(digest.abbreviated)" } ?? "\(digest.abbreviated) (not in this image)" }
                ?? "an unknown manifest (no subject, tag or payload names it)"
            lines.append("  attached to \(place)")
            for result in artifacts where subject(result) == target {
                let artifact = result.artifact!
                var line = "    \(artifact.kind.rawValue)  \(result.pathString)  \(result.digest?.abbreviated ?? "")"
                if let type = artifact.artifactType { line += "  \(type)" }
                line += "  (by \(artifact.recognisedBy))"
                lines.append(line)
                for signature in signatures?.signatures ?? [] where signature.artifactDigest == result.digest && signature.path.starts(with: result.path) {
                    lines.append("      " + describe(signature))
                }
            }
        }
        if let signatures, signatures.checked {
            for requirement in signatures.requirements {
                lines.append(requirement.satisfied
                    ? "  ✓ \(requirement.pathString) \(requirement.digest.abbreviated): signed by \(requirement.verifiedBy.joined(separator: ", "))"
                    : "  ✗ \(requirement.pathString) \(requirement.digest.abbreviated): no valid signature from \(signatures.keys.isEmpty ? "a signer the trust policy trusts" : signatures.trustPolicy == nil ? "the given keys" : "the given keys or a signer the trust policy trusts")")
            }
            for note in signatures.notes { lines.append("  note: \(note)") }
        }
        return lines
    }

    private func describe(_ signature: SignatureResult) -> String {
        let name = signature.path.last ?? ""
        let notes = signature.notes.isEmpty ? "" : " [" + signature.notes.joined(separator: "; ") + "]"
        switch signature.status {
        case .verified:
            return "✓ \(name): \(signature.format) signature verified with \(signature.key ?? "?") (\(signature.scheme ?? "?"))\(notes)"
        case .failed:
            return "✗ \(name): \(signature.problems.joined(separator: "; "))\(notes)"
        case .unchecked:
            return "? \(name): \(signature.format) signature not checked\(notes)"
        }
    }

    /// Box-drawing tree from the results' paths (parents come before their children).
    private func tree() -> [String] {
        let results = report.results
        let continues = laterSiblings(results)
        var lines: [String] = []
        for (index, result) in results.enumerated() {
            let depth = result.path.count - 1
            guard depth > 0 else {
                lines.append(result.path[0])
                continue
            }
            var prefix = ""
            for level in 1..<depth {
                prefix += continues[index][level] ? "│  " : "   "
            }
            prefix += continues[index][depth] ? "├─ " : "└─ "
            lines.append(prefix + describe(result))
        }
        return lines
    }

    /// For each result and each level of its path, whether a later result sits at that level
    /// under the same ancestors: one pass from the end (results are in document order,
    /// parents first), so a wide image costs no more than its length.
    private func laterSiblings(_ results: [DescriptorResult]) -> [[Bool]] {
        var answers = [[Bool]](repeating: [], count: results.count)
        var seen: [Bool] = []  // per level: a result at that level follows, before any shallower one
        for index in results.indices.reversed() {
            let depth = results[index].path.count - 1
            while seen.count <= depth { seen.append(false) }
            answers[index] = Array(seen[0...depth])
            seen[depth] = true
            for level in (depth + 1)..<seen.count { seen[level] = false }
        }
        return answers
    }

    private func describe(_ result: DescriptorResult) -> String {
        var parts = [result.path.last ?? ""]
        if result.kind == .manifest, let platform = result.platform, !(result.path.last ?? "").contains("(\(platform))") {
            parts[0] += " (\(platform), from its config)"
        }
        if result.kind == .manifest, let artifact = result.artifact {
            parts.append(artifact.kind.rawValue + (artifact.subject.map { " of \($0.abbreviated)" } ?? ""))
        } else if result.kind == .manifest || result.kind == .index {
            parts.append(result.kind.rawValue)
        }
        if let digest = result.digest { parts.append(digest.abbreviated) }
        if let size = result.size { parts.append(formatBytes(UInt64(max(size, 0)))) }
        switch result.status {
        case .verified: parts.append("✓")
        case .failed: parts.append("✗ " + result.problems.map(\.message).joined(separator: "; "))
        case .unverified: parts.append("? unverified (\(result.reason?.rawValue ?? "unknown"))")
        }
        if !result.tags.isEmpty { parts.append("tags: " + result.tags.joined(separator: ", ")) }
        if let first = result.sameAs { parts.append("(see \(first.joined(separator: " › ")))") }
        let notes = result.notes.isEmpty ? "" : " [" + result.notes.joined(separator: "; ") + "]"
        return parts.joined(separator: "  ") + notes
    }
}
