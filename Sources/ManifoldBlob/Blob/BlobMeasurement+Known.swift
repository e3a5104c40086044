extension BlobMeasurement {
    /// A blob not read, whose size and digest are known from elsewhere: one a registry holds
    /// already, content-addressed (it checked the digest when it took the blob). Nothing is
    /// said of its compression or decompressed content, so no check is made of them.
    package static func known(size: UInt64, digest: Digest) -> BlobMeasurement {
        BlobMeasurement(size: size, digest: digest, sniffedCompression: .plain, compression: nil, uncompressedSize: nil,
                        uncompressedDigest: nil, decompressionError: nil)
    }
}
