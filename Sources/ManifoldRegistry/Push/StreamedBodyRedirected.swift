/// A registry answered a streamed upload (a `PUT` whose body was read from a pipe as it was
/// sent) with a redirect, typically a 307 to its storage backend. The body is gone and cannot
/// be sent again from here: the caller re-reads it from its source, if it can (a file can),
/// and sends it to `location` as given (its query already names the digest).
package struct StreamedBodyRedirected: Error, Sendable {
    package let location: String
}
