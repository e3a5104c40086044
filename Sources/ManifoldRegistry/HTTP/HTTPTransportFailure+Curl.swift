internal import CCurl

extension HTTPTransportFailure {
    /// The failure for a `CURLcode`, with curl's detailed text when it wrote one.
    init(curlCode code: CURLcode, detail: String) {
        let kind: Kind = switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .resolve
        case CURLE_COULDNT_CONNECT: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CLIENTCERT:
            .tls
        case CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2,
             CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR:
            .connectionLost
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING: .protocolViolation
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidURL
        default: .other
        }
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        self.init(kind: kind, curlCode: Int(code.rawValue), curlMessage: text)
    }

    /// Words for the message's first part: what failed, before curl's own words.
    var summary: String {
        switch kind {
        case .resolve: "could not resolve the host"
        case .connect: "could not connect"
        case .timeout: "timed out"
        case .tls: "TLS failed"
        case .connectionLost: "the connection broke"
        case .protocolViolation: "the answer is not HTTP"
        case .invalidURL: "invalid URL"
        case .other: "transfer failed"
        }
    }
}
