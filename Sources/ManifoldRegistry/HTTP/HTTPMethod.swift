/// An HTTP request method (RFC 9110 §9). A struct over the method's name, so that a
/// registry extension method needs no change here.
package struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    /// The method's name as sent on the request line.
    package let name: String

    package init(_ name: String) { self.name = name }

    package static let get = HTTPMethod("GET")
    /// Asks for the head only: the transfer ends after it, whatever Content-Length says.
    package static let head = HTTPMethod("HEAD")
    package static let post = HTTPMethod("POST")
    package static let put = HTTPMethod("PUT")
    package static let patch = HTTPMethod("PATCH")
    package static let delete = HTTPMethod("DELETE")

    package var description: String { name }
}
