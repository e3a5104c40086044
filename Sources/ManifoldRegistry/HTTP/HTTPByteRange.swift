/// The bytes a request asks for with `Range: bytes=…` (RFC 9110 §14.1.2): from `start` to
/// `end` inclusive, or to the end of the resource. Resuming a dropped blob download asks for
/// `start` = the bytes already hashed.
package struct HTTPByteRange: Hashable, Sendable, CustomStringConvertible {
    /// Offset of the first byte wanted.
    package let start: UInt64
    /// Offset of the last byte wanted (inclusive), or nil for "to the end".
    package let end: UInt64?

    /// A range from `start` to `end` inclusive, or to the end; nil when `end` precedes `start`.
    package init?(start: UInt64, end: UInt64? = nil) {
        if let end, end < start { return nil }
        self.start = start
        self.end = end
    }

    /// The value after `bytes=`: `START-` or `START-END`.
    package var description: String { end.map { "\(start)-\($0)" } ?? "\(start)-" }
}
