internal import CCurl
import ManifoldBlob

/// Easy handles kept between transfers, one per transfer running at a time: a handle
/// keeps its open connections (and curl its TLS sessions in the share), so the next request
/// to the same host reuses them instead of connecting again.
///
/// `@unchecked Sendable`: an idle handle is only in `idle`, behind its lock; a handle taken
/// out is used by one thread until it is given back.
final class CurlHandlePool: @unchecked Sendable {
    private let share: CurlShare
    private let idle = Locked<[UnsafeMutableRawPointer]>([])
    /// Idle handles beyond this many are closed (a burst of parallel transfers leaves many).
    private let idleLimit: Int

    init(idleLimit: Int = 16) throws {
        share = try CurlShare()
        self.idleLimit = idleLimit
    }

    /// Runs `body` with a handle of its own, set to curl's defaults and attached to the
    /// share; the handle goes back to the pool afterwards, reset, whatever `body` did.
    func withHandle<Result>(_ body: (UnsafeMutableRawPointer) throws -> Result) throws -> Result {
        let handle = try take()
        defer { give(handle) }
        return try body(handle)
    }

    private func take() throws -> UnsafeMutableRawPointer {
        // The most recently used handle first: its connections are the likeliest still open.
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let handle = curl_easy_init() else {
            throw ManifoldError(.internalFailure, "curl could not create an easy handle")
        }
        guard manifold_curl_easy_setopt_pointer(handle, CURLOPT_SHARE, share.handle) == CURLE_OK else {
            curl_easy_cleanup(handle)
            throw ManifoldError(.internalFailure, "curl could not attach an easy handle to its share")
        }
        return handle
    }

    private func give(_ handle: UnsafeMutableRawPointer) {
        // curl_easy_reset drops every option (callbacks and their pointers included) but keeps
        // the connections and the share.
        curl_easy_reset(handle)
        let kept = idle.withLock { handles in
            guard handles.count < idleLimit else { return false }
            handles.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    deinit {
        for handle in idle.withLock({ $0 }) { curl_easy_cleanup(handle) }
    }
}
