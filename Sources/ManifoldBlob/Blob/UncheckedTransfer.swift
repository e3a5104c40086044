/// Lets a non-Sendable value cross into exactly one other thread.
///
/// `@unchecked Sendable`: the creator gives the value up; only the receiving stage uses it.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
