internal import CCurl
import ManifoldBlob

/// libcurl, loaded and set up once per process before the first handle. manifold does not
/// link libcurl (the local commands would pay for its thirty-odd libraries at every start):
/// the first registry operation loads it with dlopen, and curl_global_init runs there, once,
/// whichever thread gets there first (CCurl).
enum CurlGlobal {
    /// Why libcurl cannot be used, or nil when it is ready. Read once: the load is not tried
    /// again, so every later operation fails with the same words.
    private static let failure: String? = manifold_curl_load().map { String(cString: $0) }

    /// Throws, naming the library and the loader's words, when libcurl could not be loaded
    /// (absent, too old for a function manifold calls) or could not start.
    static func ready() throws {
        guard let failure else { return }
        let library = String(cString: manifold_curl_library_name())
        throw ManifoldError(.internalFailure, "registry access needs libcurl (\(library)): \(failure)")
    }
}
