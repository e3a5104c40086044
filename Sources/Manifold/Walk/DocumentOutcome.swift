/// What became of a document (index, manifest, config) the walk tried to read: decoded, or
/// why not. The visitor decides what a failure costs.
enum DocumentOutcome<Value: Sendable>: Sendable {
    /// Exactly the bytes the descriptor names, decoded strictly.
    case decoded(Document<Value>)
    /// Not read: absent, not verifiable, or not what the descriptor says (``DocumentReader/Outcome``).
    case unread(DocumentReader.Outcome)
    /// Read and checked, but not a valid document of its kind.
    case undecodable(any Error)
    /// An index nested deeper than `--max-index-depth`: not read.
    case tooDeep

    var document: Document<Value>? {
        if case .decoded(let document) = self { return document }
        return nil
    }

    var value: Value? { document?.value }

    var isAbsent: Bool {
        if case .unread(.absent) = self { return true }
        return false
    }
}
