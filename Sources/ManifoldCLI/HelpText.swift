/// Help text that argument-parser can wrap to the terminal without leaving fragments.
///
/// argument-parser keeps every newline of a discussion and wraps each line to the width
/// itself (80 columns, or COLUMNS), so a paragraph hard-wrapped in the source at another width
/// comes out as long lines each followed by a one-word orphan. The discussions are written as
/// readable source; `reflow` joins the lines of each prose paragraph back into one line for
/// argument-parser to wrap, and keeps indented lines (examples, option lists) as written.
enum HelpText {
    static func reflow(_ text: String) -> String {
        var lines: [String] = []
        var joinable = false  // whether the last line is prose that the next prose line continues
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isProse = !line.isEmpty && !line.hasPrefix(" ")
            if isProse && joinable, let last = lines.popLast() {
                lines.append(last + " " + line)
            } else {
                lines.append(String(line))
            }
            // A line ending in ':' introduces what follows (a list, examples): keep it alone.
            joinable = isProse && !line.hasSuffix(":")
        }
        return lines.joined(separator: "\n")
    }
}
