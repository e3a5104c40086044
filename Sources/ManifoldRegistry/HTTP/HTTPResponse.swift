/// A response read whole: its head and a body no larger than the cap the caller gave.
/// For documents and tokens; blobs stream through ``HTTPClient/perform(_:cancellation:head:body:)``.
package struct HTTPResponse: Sendable {
    package let head: HTTPResponseHead
    package let body: [UInt8]

    package init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}
