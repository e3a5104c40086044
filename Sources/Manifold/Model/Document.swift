/// A JSON document exactly as read, beside its decoded value.
///
/// The digest is of `bytes`, never of a re-serialization: a document is only decoded as
/// trusted after its bytes matched the descriptor that named it.
public struct Document<Value: Sendable>: Sendable {
    public let bytes: [UInt8]
    public let digest: Digest
    public let value: Value

    public init(bytes: [UInt8], digest: Digest, value: Value) {
        self.bytes = bytes
        self.digest = digest
        self.value = value
    }
}
