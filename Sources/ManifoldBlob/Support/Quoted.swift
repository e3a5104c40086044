/// A string for an error message: quoted, and cut short if an attacker made it long.
package func quoted(_ text: String, limit: Int = 80) -> String {
    let escaped = text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
    if escaped.count <= limit { return "\"\(escaped)\"" }
    return "\"\(escaped.prefix(limit))…\" (\(text.utf8.count) bytes)"
}
