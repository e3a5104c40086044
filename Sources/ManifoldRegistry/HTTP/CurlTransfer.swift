internal import CCurl
import ManifoldBlob

/// The state of one running transfer, reached from curl's callbacks through their user-data
/// pointer: it assembles the response head from header lines, gives it to the caller before
/// any body byte, passes body chunks on, and remembers why a callback stopped the transfer
/// (the caller's error, a discarded body, a cancellation) so that the result can say so.
///
/// Lives on the stack of the one call that performs the transfer; curl calls back on that
/// thread, so nothing here is shared.
final class CurlTransfer {
    private let easy: UnsafeMutableRawPointer
    private let cancellation: CancellationFlag?
    private let onHead: (HTTPResponseHead) throws -> HTTPBodyDecision
    private let onBody: (UnsafeRawBufferPointer) throws -> Void
    /// The request's streamed body, if it has one.
    private let upload: HTTPUploadBody?

    // The head being read: reset by each status line, so that a 100 Continue (or any 1xx)
    // before the final response is skipped.
    private var status: Int?
    private var version = HTTPVersion.http1_1
    private var headers = HTTPHeaders()

    /// The final response's head, once its blank line has been read.
    private(set) var head: HTTPResponseHead?
    /// The caller chose ``HTTPBodyDecision/discard``.
    private(set) var discarded = false
    /// What the caller's closure threw (or the protocol error found here).
    private(set) var thrown: (any Error)?
    private(set) var cancelled = false
    /// curl's detailed error text (CURLOPT_ERRORBUFFER).
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(
        easy: UnsafeMutableRawPointer, cancellation: CancellationFlag?,
        onHead: @escaping (HTTPResponseHead) throws -> HTTPBodyDecision,
        onBody: @escaping (UnsafeRawBufferPointer) throws -> Void, upload: HTTPUploadBody? = nil
    ) {
        self.upload = upload
        self.easy = easy
        self.cancellation = cancellation
        self.onHead = onHead
        self.onBody = onBody
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { errorBuffer.deallocate() }

    /// One header line (curl gives them whole, with CRLF). Returns false to stop the transfer.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Trailers of a chunked body come after the head has gone out: not part of it.
        guard head == nil else { return true }
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" { line = line.dropLast() }
        if line.isEmpty { return completeHead() }
        if line.hasPrefix("HTTP/") {
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            version = HTTPVersion(statusLineVersion: String(words[0].dropFirst(5)))
            status = words.count > 1 ? Int(words[1]) : nil
            headers = HTTPHeaders()
            return true
        }
        // Obsolete line folding (RFC 9112 §5.2) is not joined: registries do not send it, and a
        // field it would continue is better incomplete than guessed.
        guard let colon = line.firstIndex(of: ":") else { return true }
        headers.add(String(line[..<colon]), String(trimmed(line[line.index(after: colon)...])))
        return true
    }

    /// A body chunk. Returns false to stop the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if cancellation?.isCancelled == true {
            cancelled = true
            return false
        }
        guard head != nil else {
            thrown = ManifoldError(.unreadable, "the server sent body bytes before a complete response head")
            return false
        }
        do {
            try onBody(bytes)
            return true
        } catch {
            thrown = error
            return false
        }
    }

    /// Fills curl's send buffer from the streamed body: the byte count, 0 at its end, or
    /// CURL_READFUNC_ABORT once the body threw (kept, to be rethrown) or the run was cancelled.
    func sendBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        if cancellation?.isCancelled == true {
            cancelled = true
            return Int(CURL_READFUNC_ABORT)
        }
        guard let upload else { return 0 }
        do {
            return try upload.fill(buffer)
        } catch {
            thrown = error
            return Int(CURL_READFUNC_ABORT)
        }
    }

    /// curl's progress tick (several times a second, also while nothing arrives). Returns
    /// false to abort the transfer, which is how a cancellation ends a stalled one.
    func progress() -> Bool {
        guard cancellation?.isCancelled == true else { return true }
        cancelled = true
        return false
    }

    private func completeHead() -> Bool {
        guard let status else { return true }
        if (100..<200).contains(status) {
            self.status = nil
            headers = HTTPHeaders()
            return true
        }
        var url: UnsafeMutablePointer<CChar>?
        let effectiveURL =
            manifold_curl_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK
            ? url.map { String(cString: $0) } ?? "" : ""
        let head = HTTPResponseHead(status: status, headers: headers, effectiveURL: effectiveURL, version: version)
        self.head = head
        do {
            switch try onHead(head) {
            case .receive: return true
            case .discard:
                discarded = true
                return false
            }
        } catch {
            thrown = error
            return false
        }
    }

    private func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
