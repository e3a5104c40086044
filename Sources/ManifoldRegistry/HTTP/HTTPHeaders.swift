/// HTTP header fields in the order they were sent or received. Lookup ignores the case of
/// names (RFC 9110 §5.1) and keeps every value of a repeated field (`WWW-Authenticate` may
/// come several times, and `Link` does).
package struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field line: the name as it was written and its value without surrounding spaces.
    package struct Field: Sendable, Equatable {
        package let name: String
        package let value: String
    }

    package private(set) var fields: [Field] = []

    package init() {}

    /// Fields from literal pairs, in the order written.
    package init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Appends a field; an existing one of the same name stays (fields may repeat).
    package mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field called `name` (any case) with one field.
    package mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field called `name`, in any case.
    package mutating func remove(_ name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// Every value of the fields called `name`, in any case, in the order received.
    package func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// The first value of the field called `name`, in any case.
    package subscript(_ name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
