/// What verify hands each blob to when the verified image is also being copied: the walk's
/// ``CopyPlan``, the measurements it planned, and each measurement to make — reading the
/// blob once for both the check and the copy. A pull stages blobs (``BlobStaging``); a push
/// uploads them (``BlobUploads``).
///
/// `measure` runs on the scheduler's threads, `--jobs` at once.
protocol MeasuredCopy: AnyObject, Sendable {
    var plan: CopyPlan { get }
    /// What the walk planned, and what each planned blob's descriptors say of it; called once,
    /// before the first ``measure(_:_:)``.
    func walked(_ measurements: [PlannedMeasurement], _ references: [LayerReference])
    /// Measures planned blob `index` with `check`, copying what it reads.
    func measure(_ index: Int, _ check: BlobCheck) throws -> BlobMeasurement
}
