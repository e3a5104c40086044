/// The repository a Notation trust policy's `registryScopes` are matched against, offline:
/// a `docker://` image's `registry/name`, else the first tag of the input that names a
/// registry (`registry.example/app:1.0`, as containerd's `io.containerd.image.name` and a
/// docker save's RepoTags can), else none (a bare layout tag such as `1.0` names no
/// repository: then only a policy with `registryScopes: ["*"]` applies).
enum NotationScope {
    static func repository(location: String, results: [DescriptorResult]) -> String? {
        if let remote = NotationCheck.repository(of: location) { return remote }
        for result in results where result.artifact == nil {
            for tag in result.tags {
                if let repository = repository(ofTag: tag) { return repository }
            }
        }
        return nil
    }

    /// `registry.example/app` of `registry.example/app:1.0` (or `@sha256:…`); nil for a tag
    /// without a registry host (a dot, a colon or `localhost` in its first component).
    static func repository(ofTag tag: String) -> String? {
        var name = tag
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let slash = name.lastIndex(of: "/"), let colon = name.lastIndex(of: ":"), colon > slash {
            name = String(name[..<colon])
        }
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let host = name[..<slash]
        guard host.contains(".") || host.contains(":") || host == "localhost" else { return nil }
        return name
    }
}
