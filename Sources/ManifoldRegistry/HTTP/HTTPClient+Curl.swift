internal import CCurl
#if canImport(Glibc)
import Glibc
#endif
import ManifoldBlob

extension HTTPClient {
    /// Sets every option of one transfer on a freshly reset handle. Options not set keep
    /// curl's defaults on purpose: no redirects (CURLOPT_FOLLOWLOCATION 0), proxies from the
    /// environment (CURLOPT_PROXY unset), no Accept-Encoding.
    func configure(
        _ easy: UnsafeMutableRawPointer, for request: HTTPRequest, options: HTTPHostOptions, transfer: CurlTransfer,
        fields: inout UnsafeMutablePointer<curl_slist>?
    ) throws {
        func check(_ code: CURLcode, _ option: String) throws {
            guard code == CURLE_OK else {
                throw ManifoldError(
                    .internalFailure, "curl refused \(option): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        func set(_ option: CURLoption, _ value: Int, _ name: String) throws {
            try check(manifold_curl_easy_setopt_long(easy, option, value), name)
        }
        func set(_ option: CURLoption, _ value: String, _ name: String) throws {
            // curl copies every string option it is given (since 7.17).
            try check(manifold_curl_easy_setopt_string(easy, option, value), name)
        }
        let configuration = self.configuration

        try set(CURLOPT_URL, request.url, "the URL")
        // Several threads run transfers: curl must not use signals for its timeouts.
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try set(CURLOPT_HTTP_VERSION, Int(request.prefersHTTP1 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_2TLS), "CURLOPT_HTTP_VERSION")
        // Bytes must arrive as stored: never decoded, whatever Content-Encoding says.
        try set(CURLOPT_HTTP_CONTENT_DECODING, 0, "CURLOPT_HTTP_CONTENT_DECODING")
        // A proxy's CONNECT answer is not the response: keep it out of the header lines.
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1, "CURLOPT_SUPPRESS_CONNECT_HEADERS")
        try set(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
        try set(CURLOPT_USERAGENT, configuration.userAgent, "CURLOPT_USERAGENT")
        try set(CURLOPT_BUFFERSIZE, configuration.receiveBufferSize, "CURLOPT_BUFFERSIZE")
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout), "CURLOPT_CONNECTTIMEOUT_MS")
        try set(CURLOPT_LOW_SPEED_LIMIT, max(configuration.lowSpeedLimit, 1), "CURLOPT_LOW_SPEED_LIMIT")
        try set(
            CURLOPT_LOW_SPEED_TIME, max(Int(configuration.lowSpeedTime.components.seconds), 1), "CURLOPT_LOW_SPEED_TIME")
        if let deadline = request.deadline {
            try set(CURLOPT_TIMEOUT_MS, max(Self.milliseconds(deadline), 1), "CURLOPT_TIMEOUT_MS")
        }

        // TLS. A CA file adds to the system store: curl keeps its default CA directory.
        let verifies = options.verifiesTLS && request.checksCertificate
        try set(CURLOPT_SSL_VERIFYPEER, verifies ? 1 : 0, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, verifies ? 2 : 0, "CURLOPT_SSL_VERIFYHOST")
        // An unchecked session is not cached for a checked request to resume.
        if !request.checksCertificate { try set(CURLOPT_SSL_SESSIONID_CACHE, 0, "CURLOPT_SSL_SESSIONID_CACHE") }
        if let pem = options.caCertificates {
            // CAINFO_BLOB replaces curl's CA bundle file (its CA directory stays): the system
            // bundle goes in after the host's own CAs, so both are trusted.
            var bundle = pem
            bundle.append(UInt8(ascii: "\n"))
            bundle += Self.systemCABundle(easy)
            try bundle.withUnsafeMutableBytes { bytes in
                var blob = curl_blob(data: bytes.baseAddress, len: bytes.count, flags: UInt32(CURL_BLOB_COPY))
                try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_CAINFO_BLOB, &blob), "CURLOPT_CAINFO_BLOB")
            }
        } else if let file = options.caFile {
            try set(CURLOPT_CAINFO, file, "CURLOPT_CAINFO")
        }
        if let directory = options.caDirectory { try set(CURLOPT_CAPATH, directory, "CURLOPT_CAPATH") }
        if let file = options.clientCertificateFile { try set(CURLOPT_SSLCERT, file, "CURLOPT_SSLCERT") }
        if let file = options.clientKeyFile { try set(CURLOPT_SSLKEY, file, "CURLOPT_SSLKEY") }

        // The method and body.
        let method = request.method
        if method == .head {
            try set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        } else if let upload = request.upload {
            // Streamed: curl pulls the body through the read callback (set below) as it sends.
            try set(CURLOPT_UPLOAD, 1, "CURLOPT_UPLOAD")
            // Larger sends than curl's 64 KiB default: fewer callbacks and syscalls per blob.
            try set(CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024, "CURLOPT_UPLOAD_BUFFERSIZE")
            if let length = upload.length {
                try check(
                    manifold_curl_easy_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(clamping: length)),
                    "CURLOPT_INFILESIZE_LARGE")
            }
            if method != .put { try set(CURLOPT_CUSTOMREQUEST, method.name, "CURLOPT_CUSTOMREQUEST") }
        } else if let body = request.body ?? ([.post, .put, .patch].contains(method) ? [] : nil) {
            try check(
                manifold_curl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
                "CURLOPT_POSTFIELDSIZE_LARGE")
            try body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies POSTFIELDSIZE bytes; an empty body still needs a pointer.
                let pointer = bytes.baseAddress ?? UnsafeRawPointer(transfer.errorBuffer)
                try check(
                    manifold_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: pointer)),
                    "CURLOPT_COPYPOSTFIELDS")
            }
            if method != .post { try set(CURLOPT_CUSTOMREQUEST, method.name, "CURLOPT_CUSTOMREQUEST") }
        } else if method == .get {
            try set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        } else {
            try set(CURLOPT_CUSTOMREQUEST, method.name, "CURLOPT_CUSTOMREQUEST")
        }
        if let range = request.range { try set(CURLOPT_RANGE, range.description, "CURLOPT_RANGE") }

        // Header fields as given; "Expect:" keeps curl from waiting for a 100 Continue.
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if request.headers["Expect"] == nil { lines.append("Expect:") }
        for line in lines {
            guard let appended = curl_slist_append(fields, line) else {
                throw ManifoldError(.internalFailure, "curl could not allocate a header list")
            }
            fields = appended
        }
        try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(fields)), "CURLOPT_HTTPHEADER")

        // Callbacks, all reaching the transfer through an unretained pointer: it outlives the
        // perform call that uses them, and the handle is reset before anyone else uses it.
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorBuffer)), "CURLOPT_ERRORBUFFER")
        try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        try check(
            manifold_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                return transfer.receiveHeaderLine(bytes) ? size * count : 0
            }, "CURLOPT_HEADERFUNCTION")
        try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(
            manifold_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                return transfer.receiveBody(bytes) ? size * count : 0
            }, "CURLOPT_WRITEFUNCTION")
        try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, context), "CURLOPT_XFERINFODATA")
        try check(
            manifold_curl_easy_setopt_xferinfo_callback(easy) { context, _, _, _, _ in
                guard let context else { return 0 }
                return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().progress() ? 0 : 1
            }, "CURLOPT_XFERINFOFUNCTION")
        try set(CURLOPT_NOPROGRESS, 0, "CURLOPT_NOPROGRESS")
        if request.upload != nil {
            try check(manifold_curl_easy_setopt_pointer(easy, CURLOPT_READDATA, context), "CURLOPT_READDATA")
            try check(
                manifold_curl_easy_setopt_read_callback(easy) { data, size, count, context in
                    guard let context, let data else { return Int(CURL_READFUNC_ABORT) }
                    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.sendBody(UnsafeMutableRawBufferPointer(start: data, count: size * count))
                }, "CURLOPT_READFUNCTION")
        }
    }

    /// The CA bundle file curl was built to read (CURLINFO_CAINFO), read once; empty when
    /// there is none or it cannot be read.
    private static let systemCABundleCache = Locked<[UInt8]?>(nil)

    static func systemCABundle(_ easy: UnsafeMutableRawPointer) -> [UInt8] {
        systemCABundleCache.withLock { cached in
            if let cached { return cached }
            var path: UnsafeMutablePointer<CChar>?
            var bytes: [UInt8] = []
            if manifold_curl_easy_getinfo_string(easy, CURLINFO_CAINFO, &path) == CURLE_OK, let path,
               let file = fopen(path, "rb") {
                defer { fclose(file) }
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = fread(&buffer, 1, buffer.count, file)
                    if count <= 0 { break }
                    bytes += buffer[..<count]
                }
            }
            cached = bytes
            return bytes
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, seconds >= 0 else { return seconds < 0 ? 0 : Int.max }
        return Int(product + attoseconds / 1_000_000_000_000_000)
    }
}
