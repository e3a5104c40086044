/// A request body curl pulls as it sends (CURLOPT_READFUNCTION): a blob upload streamed from
/// whoever measures it, never held whole in memory.
///
/// `read` fills the buffer it is given and returns how many bytes it wrote, 0 at the end; it
/// may block until bytes are there. What it throws aborts the transfer and is rethrown by
/// ``HTTPClient/perform(_:cancellation:head:body:)`` as it is. A body can be sent once: the
/// registry client never retries a request whose body was read from (``bytesRead``).
///
/// `@unchecked Sendable`: `bytesRead` is written only by the one transfer that sends the body,
/// on the thread that performs it, and read by that thread after the transfer returns.
package final class HTTPUploadBody: @unchecked Sendable {
    /// The body's length when known (sent as Content-Length); nil sends it chunked.
    package let length: UInt64?
    private let read: (UnsafeMutableRawBufferPointer) throws -> Int
    /// The bytes handed to curl so far.
    package private(set) var bytesRead: UInt64 = 0

    package init(length: UInt64?, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.length = length
        self.read = read
    }

    /// Fills `buffer` for curl; counts what it gave.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try read(buffer)
        bytesRead += UInt64(count)
        return count
    }
}
