/// An annotation on the index entries a selector picks.
public struct EntryAnnotation: Sendable, Hashable {
    public var selector: EntrySelector
    public var key: String
    public var value: String

    public init(selector: EntrySelector, key: String, value: String) {
        self.selector = selector
        self.key = key
        self.value = value
    }
}
