#if canImport(Glibc)
import Glibc
#endif
internal import CCurl
import ManifoldBlob

/// A curl share handle holding the DNS cache and the TLS session cache for every easy
/// handle of one client, with a mutex per kind of shared data (curl calls the lock and
/// unlock callbacks around every use).
///
/// The connection cache is not shared: curl's known bug "a shared connection cache is not
/// thread-safe" (KNOWN_BUGS 11.11, curl/curl#4915) makes that unsafe for transfers running
/// on several threads at once, and curl removed its threaded example for it. Each
/// pooled easy handle keeps its own connections instead, so reuse comes from reusing the
/// handle (``CurlHandlePool``).
///
/// `@unchecked Sendable`: the handle is only changed in `init` and `deinit`; between them curl
/// touches the shared data only under the mutexes below.
final class CurlShare: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private static let mutexCount = Int(CURL_LOCK_DATA_LAST.rawValue)

    init() throws {
        try CurlGlobal.ready()
        guard let handle = curl_share_init() else {
            throw ManifoldError(.internalFailure, "curl could not create a share handle")
        }
        self.handle = handle
        mutexes = .allocate(capacity: Self.mutexCount)
        for index in 0..<Self.mutexCount { pthread_mutex_init(mutexes + index, nil) }
        var status = manifold_curl_share_setopt_pointer(handle, CURLSHOPT_USERDATA, UnsafeMutableRawPointer(mutexes))
        if status == CURLSHE_OK {
            status = manifold_curl_share_setopt_lock(handle) { _, data, _, userData in
                guard let userData, Int(data.rawValue) < CurlShare.mutexCount else { return }
                pthread_mutex_lock(userData.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
            }
        }
        if status == CURLSHE_OK {
            status = manifold_curl_share_setopt_unlock(handle) { _, data, userData in
                guard let userData, Int(data.rawValue) < CurlShare.mutexCount else { return }
                pthread_mutex_unlock(userData.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
            }
        }
        for data in [CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION] where status == CURLSHE_OK {
            status = manifold_curl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(data.rawValue))
        }
        guard status == CURLSHE_OK else {
            let text = String(cString: curl_share_strerror(status))
            curl_share_cleanup(handle)
            for index in 0..<Self.mutexCount { pthread_mutex_destroy(mutexes + index) }
            mutexes.deallocate()
            throw ManifoldError(.internalFailure, "curl could not set up its share handle: \(text)")
        }
    }

    /// Runs after every easy handle using the share is gone (the pool holds the share and
    /// cleans its handles up first), so curl_share_cleanup cannot find it in use.
    deinit {
        curl_share_cleanup(handle)
        for index in 0..<Self.mutexCount { pthread_mutex_destroy(mutexes + index) }
        mutexes.deallocate()
    }
}
