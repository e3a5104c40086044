/// Where an image's content comes from: an OCI layout directory, an oci-archive, a
/// `docker save` tar — or anything else that can hand out documents and blobs by descriptor,
/// such as a registry, implemented in another module.
///
/// Every command reads images through this protocol, and the walk over the image graph does
/// every check itself, so a new provider gets all of them without writing any.
///
/// **What a provider guarantees:** the bytes it returns are the bytes it holds for that
/// descriptor (or root, or path), unaltered — never re-serialized, decompressed or decoded —
/// and "absent" (nil) only when it does not hold them; anything else that goes wrong (an
/// unreadable file, a link that leaves the image, a network error) is thrown as a
/// ``ManifoldError`` whose message says where.
///
/// **What the caller checks, so a provider need not:** sizes and digests against the
/// descriptor, the strict decoding of documents, media types, platforms, limits on the
/// graph. A provider may return content that does not match its descriptor; it will be
/// reported as such.
///
/// Threading: blobs are streamed concurrently, so a provider must allow its methods and the
/// streams it opens to be used from several threads at once (each stream by one at a time).
public protocol ContentProvider: Sendable {
    /// How messages name the source: the path it was opened from, a registry reference.
    var location: String { get }

    /// Which of the local containers it is, for reports; nil for any other provider.
    var kind: ImageSourceKind? { get }

    /// The roots it has: the documents that list its images and their tags (a layout's
    /// `index.json`; a docker save's `manifest.json`, and for Docker 25+ an `index.json` too).
    /// A provider without such files (a registry) offers ``ContentRoot/index`` made from its
    /// tags: an OCI index whose entries carry `org.opencontainers.image.ref.name`.
    func roots() throws -> [ContentRoot]

    /// A root's exact bytes, or nil when the provider does not have it. Bytes beyond `limit`
    /// are refused (thrown as `.limitExceeded`), without being read when their size is known.
    func root(_ root: ContentRoot, limit: Int) throws -> [UInt8]?

    /// The exact bytes of the document (index, manifest or config) `descriptor` names, or nil
    /// when absent. A document stored with more than `limit` bytes is refused (thrown as
    /// `.limitExceeded`) without reading more than `limit + 1` of them. The size and digest
    /// need not be checked: the caller does.
    func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]?

    /// The blob `descriptor` names, located to be streamed (not yet read), or nil when absent.
    /// A local file is returned as a file region, which verify reads with `pread` on its own
    /// threads; other providers return a chunk stream (``StoredFile/init(path:size:identity:chunks:)``).
    func blob(_ descriptor: Descriptor) throws -> StoredFile?

    /// A file named by its path in the source — a docker save's `manifest.json` names its
    /// configs and layers so — or nil when absent. Providers without paths keep the default,
    /// which has none.
    func file(at path: String) throws -> StoredFile?

    /// Every `blobs/<algorithm>/<encoded>` path the source holds, for the note on
    /// unreferenced blobs; nil (the default) when the provider cannot list them.
    func blobPaths() throws -> [String]?
}

extension ContentProvider {
    public var kind: ImageSourceKind? { nil }

    public func file(at path: String) throws -> StoredFile? { nil }

    public func blobPaths() throws -> [String]? { nil }

    /// Reads the blob as a whole, for providers whose documents are blobs like any other.
    public func document(_ descriptor: Descriptor, limit: Int) throws -> [UInt8]? {
        try blob(descriptor)?.readAll(limit: limit)
    }
}
