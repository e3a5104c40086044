/// An artifact manifest the verify walk met (its first listing), kept for the signature
/// check that follows the walk.
struct ArtifactRecord {
    /// Its path and the index of its result in the report.
    let path: [String]
    let result: Int
    let digest: Digest
    let manifest: ImageManifest
    var artifact: Artifact
}
