// containerd's platform normalization (github.com/containerd/platforms), the de-facto
// standard for what "linux/arm64" or "aarch64" means.

extension Platform {
    /// The platform in canonical form: lowercase, `aarch64`→`arm64`, `x86_64`→`amd64`,
    /// `armhf`→`arm/v7`, `armel`→`arm/v6`, `i386`→`386`, `macos`→`darwin`, bare `arm`→`arm/v7`,
    /// and the default variants (`arm64/v8`, `amd64/v1`) dropped.
    public var normalized: Platform {
        var result = self
        result.os = Self.normalizeOS(os)
        (result.architecture, result.variant) = Self.normalizeArchitecture(architecture, variant: variant)
        return result
    }

    /// Whether the two platforms are the same after normalization: os, architecture and
    /// variant. A variant missing on either side matches the other's (configs often omit it),
    /// and `os.version` is compared only when both have one.
    public func matches(_ other: Platform) -> Bool {
        let a = normalized, b = other.normalized
        guard a.os == b.os, a.architecture == b.architecture else { return false }
        // Compare variants only when both sides state one: normalization would turn a
        // missing arm variant into v7 and make an arm/v6 entry contradict a silent config.
        let bothStateVariant = !(variant ?? "").isEmpty && !(other.variant ?? "").isEmpty
        if bothStateVariant, a.variant != b.variant { return false }
        if let left = osVersion, let right = other.osVersion, !left.isEmpty, !right.isEmpty, left != right { return false }
        return true
    }

    /// Whether an index entry with this platform is one a `--platform` filter asks for:
    /// os and architecture must match after normalization, and the variant too when the
    /// filter names one (or implies one, as bare `arm` implies `v7`).
    public func isSelected(by filter: Platform) -> Bool {
        let entry = normalized, wanted = filter.normalized
        guard entry.os == wanted.os, entry.architecture == wanted.architecture else { return false }
        return (entry.variant ?? "") == (wanted.variant ?? "")
    }

    static func normalizeOS(_ os: String) -> String {
        let lower = os.lowercased()
        return lower == "macos" ? "darwin" : lower
    }

    static func normalizeArchitecture(_ architecture: String, variant: String?) -> (String, String?) {
        let arch = architecture.lowercased()
        let variant = variant.map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        switch arch {
        case "i386": return ("386", nil)
        case "x86_64", "x86-64", "amd64":
            return ("amd64", variant == "v1" ? nil : variant)
        case "aarch64", "arm64":
            return ("arm64", variant == "8" || variant == "v8" ? nil : variant)
        case "armhf": return ("arm", "v7")
        case "armel": return ("arm", "v6")
        case "arm":
            switch variant {
            case nil, "7": return ("arm", "v7")
            case "5", "6", "8": return ("arm", "v" + (variant ?? ""))
            default: return ("arm", variant)
            }
        default:
            return (arch, variant)
        }
    }
}
