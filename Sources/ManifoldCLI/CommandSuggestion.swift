/// "Did you mean 'verify'?" for a misspelled subcommand.
///
/// argument-parser reports `manifold verfy x` as an unexpected argument of the root command,
/// which helps nobody; the root command looks at its first word before parsing and, when it
/// names no subcommand, says which one is closest (as git and cargo do).
enum CommandSuggestion {
    /// The error message for `word` when it names none of `commands`; nil when it names one,
    /// or is not a command word at all (an option, or nothing).
    static func message(for word: String, among commands: [String]) -> String? {
        guard !word.hasPrefix("-"), !commands.contains(word) else { return nil }
        let ranked = commands.map { (name: $0, distance: editDistance(word.lowercased(), $0)) }
            .sorted { $0.distance < $1.distance }
        // A third of the word may be wrong (2 edits for "verify"), but not all of a short one.
        if let best = ranked.first, best.distance <= max(1, min(2, word.count / 3)) || (!word.isEmpty && best.name.hasPrefix(word.lowercased())) {
            return "unknown command '\(word)'; did you mean '\(best.name)'?"
        }
        return "unknown command '\(word)'; the commands are \(commands.joined(separator: ", "))"
    }

    /// Damerau–Levenshtein distance (optimal string alignment): one edit per inserted,
    /// deleted, replaced or swapped-with-its-neighbour character.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
