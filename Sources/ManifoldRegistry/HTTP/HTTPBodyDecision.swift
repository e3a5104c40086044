/// What the caller of a streaming request wants once it has seen the response head.
package enum HTTPBodyDecision: Sendable {
    /// Deliver the body to the body closure as it arrives.
    case receive
    /// End the transfer without reading the body; the call returns the head. The connection
    /// is closed rather than drained, so use it for bodies that may be large.
    case discard
}
