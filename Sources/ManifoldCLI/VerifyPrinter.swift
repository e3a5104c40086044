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
        let counts = "\(images)\(counted(platforms, "platform")), \(counted(report.blobCount, "blob")), \(formatBytes(report.byteCount)) in \(formatDecimal(report.seconds, places: 2)) s (\(formatBytes(UInt64(rate)))/s)"
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
        if result.kind == .manifest || result.kind == .index { parts.append(result.kind.rawValue) }
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
