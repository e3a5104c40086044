internal import CCurl
import ManifoldBlob

/// A request URL taken apart by curl's own parser (so that the host we pick TLS options for
/// is the host curl connects to), and the form of it that messages may show.
struct CurlURL {
    /// `http` or `https`, lower case.
    let scheme: String
    /// The host as curl reads it (an IPv6 address in brackets), lower case.
    let host: String
    /// The port when the URL names one, else nil.
    let port: String?
    let path: String

    /// Parses `text`; a malformed URL or a scheme other than http(s) is an invalid argument.
    init(_ text: String) throws {
        try CurlGlobal.ready()
        guard let handle = curl_url() else {
            throw ManifoldError(.internalFailure, "curl could not allocate a URL handle")
        }
        defer { curl_url_cleanup(handle) }
        let status = curl_url_set(handle, CURLUPART_URL, text, 0)
        guard status == CURLUE_OK else {
            throw ManifoldError(.invalidArgument, "not a valid URL: \(String(cString: curl_url_strerror(status)))")
        }
        func part(_ which: CURLUPart) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        scheme = (part(CURLUPART_SCHEME) ?? "").lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ManifoldError(.invalidArgument, "not an http or https URL: \(scheme)://…")
        }
        host = (part(CURLUPART_HOST) ?? "").lowercased()
        port = part(CURLUPART_PORT)
        path = part(CURLUPART_PATH) ?? "/"
    }

    /// `scheme://host[:port]/path`: no user, password or query (a query may carry a token),
    /// so that it can go into an error message or a log.
    var redacted: String { "\(scheme)://\(host)\(port.map { ":" + $0 } ?? "")\(path)" }
}
