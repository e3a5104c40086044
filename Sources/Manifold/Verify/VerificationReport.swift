/// The result of verifying one image.
public struct VerificationReport: Sendable {
    public enum Status: String, Sendable {
        /// Every descriptor verified (foreign layers and, with --allow-sparse, absent blobs
        /// excepted: they are listed as unverified).
        case verified
        /// At least one check failed, or something could not be verified at all.
        case failed
        /// The input could not be used: not an image, unreadable, malformed layout.
        case unusable
    }

    /// The image path as given.
    public var image: String
    public var kind: ImageSourceKind?
    public var status: Status
    /// Why the image was unusable.
    public var error: ManifoldError?
    /// Every descriptor visited, parents before children, in document order.
    public var results: [DescriptorResult]
    /// How many images were verified: distinct index.json entries (or, in a docker save
    /// without one, distinct `manifest.json` entries) walked.
    public var images: Int
    /// The platforms verified, in the order met.
    public var platforms: [Platform]
    /// Observations that are not failures: unreferenced blobs, skipped platforms.
    public var notes: [String]
    /// Distinct blobs read (each once, however often referenced) and their bytes.
    public var blobCount: Int
    public var byteCount: UInt64
    public var seconds: Double
    /// True when layers were only checked by compressed digest and size.
    public var shallow: Bool
    /// The signatures found and, with keys, their verdicts and the requirement's.
    public var signatures: SignatureReport? = nil

    /// Artifact manifests (signatures, attestations, SBOMs) found, each once.
    public var artifactResults: [DescriptorResult] {
        results.filter { $0.artifact != nil && $0.kind == .manifest && $0.sameAs == nil }
    }

    public var failedResults: [DescriptorResult] { results.filter { $0.status == .failed } }
    public var unverifiedResults: [DescriptorResult] { results.filter { $0.status == .unverified } }

    static func unusable(_ image: String, kind: ImageSourceKind?, error: ManifoldError, seconds: Double) -> VerificationReport {
        VerificationReport(image: image, kind: kind, status: .unusable, error: error, results: [], images: 0, platforms: [],
                           notes: [], blobCount: 0, byteCount: 0, seconds: seconds, shallow: false)
    }
}
