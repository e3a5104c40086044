/// A ``BlobMeasurement`` compared with a ``BlobExpectation``.
public struct BlobCheckResult: Sendable {
    public let measurement: BlobMeasurement
    /// Empty when the blob is what its descriptor says.
    public let problems: [Problem]

    public var isVerified: Bool { problems.isEmpty }

    init(measurement: BlobMeasurement, expectation: BlobExpectation) {
        self.measurement = measurement
        var problems: [Problem] = []
        if let size = expectation.size, size < 0 || UInt64(size) != measurement.size {
            problems.append(Problem(
                .size, expected: "\(size)", actual: "\(measurement.size)",
                message: "size mismatch: expected \(counted(Int(size), "byte")), got \(measurement.size)"))
        }
        if let expected = expectation.digest, let actual = measurement.digest, expected != actual {
            problems.append(Problem(
                .digest, expected: "\(expected)", actual: "\(actual)",
                message: "digest mismatch: expected \(expected), got \(actual)"))
        }
        if let declared = measurement.compression, declared != measurement.sniffedCompression {
            problems.append(Problem(
                .compression, expected: "\(declared)", actual: "\(measurement.sniffedCompression)",
                message: "content is \(describe(measurement.sniffedCompression)) but declared \(describe(declared))"))
        } else if let error = measurement.decompressionError {
            problems.append(Problem(.decompression, expected: nil, actual: nil, message: error.message))
        }
        if let expected = expectation.diffID, measurement.decompressionError == nil,
           let actual = measurement.uncompressedDigest, expected != actual
        {
            problems.append(Problem(
                .diffID, expected: "\(expected)", actual: "\(actual)",
                message: "diff_id mismatch: expected \(expected), got \(actual)"))
        }
        self.problems = problems
    }
}

private func describe(_ compression: Compression) -> String {
    compression == .plain ? "not compressed" : "\(compression)"
}
