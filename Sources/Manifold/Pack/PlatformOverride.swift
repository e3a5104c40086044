/// `docker manifest annotate`'s --os/--arch/--variant/--os-version/--os-features, for the
/// entries a selector picks.
public struct PlatformOverride: Sendable, Hashable {
    public enum Field: String, Sendable, CaseIterable {
        case os, architecture, variant
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public var selector: EntrySelector
    public var field: Field
    public var value: String

    public init(selector: EntrySelector, field: Field, value: String) {
        self.selector = selector
        self.field = field
        self.value = value
    }

    /// Applies the override to `platform`; `contradicts` is set when the config said
    /// otherwise (a field the config leaves empty can always be filled).
    func apply(to platform: inout Platform, config: Platform?, contradicts: inout String?) {
        switch field {
        case .os:
            if let said = config?.os, Platform.normalizeOS(said) != Platform.normalizeOS(value) {
                contradicts = "the config says os \(said), the override \(value)"
            }
            platform.os = value
        case .architecture:
            if let said = config?.architecture,
               Platform.normalizeArchitecture(said, variant: nil).0 != Platform.normalizeArchitecture(value, variant: nil).0 {
                contradicts = "the config says architecture \(said), the override \(value)"
            }
            platform.architecture = value
        case .variant:
            if let said = config?.variant, !said.isEmpty,
               Platform.normalizeArchitecture(platform.architecture, variant: said).1 != Platform.normalizeArchitecture(platform.architecture, variant: value).1 {
                contradicts = "the config says variant \(said), the override \(value)"
            }
            platform.variant = value.isEmpty ? nil : value
        case .osVersion:
            if let said = config?.osVersion, !said.isEmpty, said != value {
                contradicts = "the config says os.version \(said), the override \(value)"
            }
            platform.osVersion = value.isEmpty ? nil : value
        case .osFeatures:
            let features = value.split(separator: ",").map(String.init)
            if let said = config?.osFeatures, !said.isEmpty, said != features {
                contradicts = "the config says os.features \(said.joined(separator: ",")), the override \(value)"
            }
            platform.osFeatures = features.isEmpty ? nil : features
        }
    }
}
