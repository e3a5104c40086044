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

    /// Whether this index entry's platform may list an image whose config says `config`.
    ///
    /// Clients choose by the entry, so the config must not claim more than the entry does.
    /// After normalization os and architecture must be equal. When the config states a
    /// variant (in `variant`, or implied by its architecture, as `armhf` implies arm/v7) it
    /// must be the entry's, a missing entry variant meaning the architecture's default
    /// (amd64 v1, arm64 v8, arm v7): an amd64 entry over a v3 config, or arm/v6 over `armhf`,
    /// fails. A config that states no variant is taken to be built for the entry's: many
    /// builders omit it. `os.version` is compared only when both have one.
    public func describes(config: Platform) -> Bool {
        let entry = normalized, claimed = config.normalized
        guard entry.os == claimed.os, entry.architecture == claimed.architecture else { return false }
        if config.statesVariant, entry.variant != claimed.variant { return false }
        if let left = osVersion, let right = config.osVersion, !left.isEmpty, !right.isEmpty, left != right { return false }
        return true
    }

    /// Whether a variant is stated, in `variant` or by an architecture alias that implies one.
    var statesVariant: Bool {
        !(variant ?? "").isEmpty || ["armhf", "armel"].contains(architecture.lowercased())
    }

    /// `linux/armhf (linux/arm/v7)`: the platform as written, and normalized when that differs.
    public var describedWithNormalization: String {
        let canonical = normalized.description
        return canonical == description ? description : "\(description) (\(canonical))"
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
