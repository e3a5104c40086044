extension CopyPlan {
    /// What an index becomes once the children `--platform` kept are written.
    enum WrittenIndex {
        /// Every child was left out: the index is not written either.
        case empty
        /// Nothing left out or rewritten below: the index's own bytes, as walked.
        case unchanged([UInt8])
        /// Rewritten to list only what was written, children's new descriptors in place.
        case rewritten(Descriptor, [UInt8])
    }

    /// The index `descriptor`, walked at `path`, after `write` has written each child it
    /// keeps (returning the child as written, or nil when everything below it was left out);
    /// nil when no index was walked there. One rule for pull and push alike: an index is
    /// rewritten exactly when a child is left out or was itself rewritten.
    func writtenIndex(_ descriptor: Descriptor, walkedAt path: [String],
                      writingChildren write: (Descriptor, [String]) throws -> Descriptor?) throws -> WrittenIndex? {
        let walked = repeats[path] ?? path
        guard let digest = indexAt[walked], let kept = documents[digest], let index = kept.index else { return nil }
        let skipped = skipped[walked] ?? []
        var changed = !skipped.isEmpty
        var entries: [(position: Int, descriptor: Descriptor)] = []
        for (position, child) in index.manifests.enumerated() where !skipped.contains(position) {
            guard let childPath = entryPaths[walked]?[position], let written = try write(child, childPath) else {
                changed = true
                continue
            }
            if written.digest != child.digest { changed = true }
            entries.append((position, written))
        }
        if entries.isEmpty { return .empty }
        guard changed else { return .unchanged(kept.bytes) }
        let bytes = try PullAssembly.rewrite(kept.bytes, keeping: entries)
        var written = descriptor
        written.digest = try DigestHasher.digest(of: bytes, algorithm: descriptor.digest.algorithm)
        written.size = Int64(bytes.count)
        written.data = nil
        return .rewritten(written, bytes)
    }
}
