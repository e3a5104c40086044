/// Accessors for the member types the image-spec's schemas use beyond strings, integers and
/// string maps; `null` reads as absent, as for every other accessor.
extension JSONFields {
    func bool(_ key: String) throws -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw ManifoldError(.invalidDocument, "\(context).\(key): expected a boolean, got \(other.typeName)")
        }
    }

    /// An object whose values are all objects (Go's `map[string]struct{}`, as `ExposedPorts`
    /// and `Volumes` are: `{"8080/tcp": {}}`).
    func checkObjectMap(_ key: String) throws {
        switch object[key] {
        case nil, .null?: return
        case .object(let members)?:
            for (name, value) in members.members {
                guard case .object = value else {
                    throw ManifoldError(.invalidDocument, "\(context).\(key).\(name): expected an object, got \(value.typeName)")
                }
            }
        case let other?: throw ManifoldError(.invalidDocument, "\(context).\(key): expected an object, got \(other.typeName)")
        }
    }
}
