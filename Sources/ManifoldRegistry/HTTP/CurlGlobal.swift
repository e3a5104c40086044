internal import CCurl

/// libcurl's process-wide setup, done once before the first handle: `curl_global_init` is
/// not safe to race with other curl calls, and a Swift `static let` runs its initializer
/// exactly once, whichever thread gets there first.
enum CurlGlobal {
    static let isReady: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}
