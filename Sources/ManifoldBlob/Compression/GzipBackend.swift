/// Which library inflates gzip streams.
public enum GzipBackend: String, Sendable, CaseIterable {
    /// ISA-L's igzip: the fast path, several times faster than zlib on x86-64 and arm64.
    case isal
    /// zlib: the reference implementation, used to cross-check ISA-L in the tests.
    case zlib
}
