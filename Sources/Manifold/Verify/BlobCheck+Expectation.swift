// The comparison of a measurement with what a descriptor says is an image concept (its
// findings are Verify's `Problem`s), so it lives here, above ManifoldBlob, which only measures.
extension BlobCheck {
    /// Measures `input` and compares it with `expectation`: its size, its digest (in the
    /// expectation's algorithm), its declared compression and its diff_id.
    public func verify(_ input: BlobInput, against expectation: BlobExpectation) throws -> BlobCheckResult {
        var check = self
        if let digest = expectation.digest {
            check.digestAlgorithm = digest.isVerifiable ? digest.algorithm : nil
        }
        if let diffID = expectation.diffID, diffID.isVerifiable {
            check.uncompressedAlgorithm = diffID.algorithm
            if check.decompression == .skip {
                check.decompression = expectation.compression.map { .declared($0) } ?? .sniff
            }
        }
        return BlobCheckResult(measurement: try check.measure(input), expectation: expectation)
    }
}
