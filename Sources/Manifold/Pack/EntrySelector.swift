/// Which entries of a pack an override or annotation applies to.
public enum EntrySelector: Sendable, Hashable, CustomStringConvertible {
    /// Every entry from the input at this position (0-based).
    case input(Int)
    /// Every entry whose platform is this one (after normalization).
    case platform(Platform)

    public var description: String {
        switch self {
        case .input(let index): "input #\(index + 1)"
        case .platform(let platform): "platform \(platform)"
        }
    }

    func selects(input: Int, platform: Platform?) -> Bool {
        switch self {
        case .input(let wanted): wanted == input
        case .platform(let wanted): platform.map { $0.isSelected(by: wanted) } ?? false
        }
    }
}
