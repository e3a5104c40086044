/// A pull's staging is the copy verify measures through (kept apart from BlobStaging.swift,
/// which pull's writing owns).
extension BlobStaging: MeasuredCopy {}
