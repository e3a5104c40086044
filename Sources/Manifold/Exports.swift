// Manifold is built on ManifoldBlob (digests, decompression, the blob measurer), whose types
// appear throughout its API (`Digest` in every `Descriptor`, `BlobMeasurement` in every
// report). Re-exporting it means one `import Manifold` gives a library user the whole API, as
// swift-nio's `NIO` umbrella module does for NIOCore and NIOPosix, and no file here needs an
// import line of its own. The boundary still holds the other way: ManifoldBlob cannot see
// anything declared in this module.
@_exported import ManifoldBlob
