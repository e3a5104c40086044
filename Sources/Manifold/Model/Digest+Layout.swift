// https://github.com/opencontainers/image-spec/blob/main/image-layout.md#blobs

// Here, not beside Digest in ManifoldBlob: where a blob sits in an image layout is an image
// concept, and ManifoldBlob knows nothing of images.
extension Digest {
    /// Where an OCI image layout keeps this blob: `blobs/<algorithm>/<encoded>`. Safe to use as
    /// a path: the grammar admits no `/` in either part, and neither can be `.` or `..`.
    public var layoutPath: String { "blobs/\(algorithm.rawValue)/\(encoded)" }
}
