/// Where an image is written: an OCI layout directory, an oci-archive, and — implemented
/// outside this module — a registry.
///
/// A writer puts every blob and document, then names the roots with ``setTag(_:for:)``, then
/// calls ``commit()``. Nothing is visible at the destination before `commit()` returns, and
/// ``abort()`` leaves the destination as it was. A sink takes content in any order; one that
/// writes a stream (an oci-archive) writes it in the order given, so a writer that promises
/// reproducible bytes puts content in a fixed order (``Packer``: by digest).
///
/// Threading: a sink is called from one thread at a time, not necessarily the one that made
/// it (the async ``Packer/pack(into:)`` takes it as `sending` and uses it on a thread of its
/// own); `putBlob`'s body may block on reads.
public protocol ContentSink: AnyObject {
    /// Stores a blob (a layer, a config) of exactly `descriptor.size` bytes, which `body`
    /// emits in chunks through the closure it is given; throws if `body` emits any other
    /// count. The caller verifies the bytes as it reads them. A blob put again is stored once.
    func putBlob(_ descriptor: Descriptor, from body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws

    /// Stores a manifest or an index: exactly `bytes`, which hash to `descriptor.digest`.
    func putDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws

    /// Makes `descriptor` (a manifest or index already put) a root of the destination, named
    /// `tag` when one is given: an `index.json` entry (`org.opencontainers.image.ref.name`)
    /// in a layout, a tag in a registry. Roots are listed in the order they are set.
    func setTag(_ tag: String?, for descriptor: Descriptor) throws

    /// Makes everything put visible at the destination, at once.
    func commit() throws

    /// Discards everything put, leaving the destination as it was. Does nothing after a
    /// successful ``commit()``, and may be called more than once.
    func abort()
}

extension ContentSink {
    /// Stores a blob held in memory.
    public func putBlob(_ descriptor: Descriptor, bytes: [UInt8]) throws {
        try putBlob(descriptor) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }
}
