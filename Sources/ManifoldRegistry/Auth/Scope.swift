// https://distribution.github.io/distribution/spec/auth/scope/

import Manifold

/// A token scope: `repository:library/ubuntu:pull,push`, `registry:catalog:*`.
///
/// `type:name:actions`; the name may itself hold `:` (a `host:port` in some registries'
/// names), so the type is what precedes the first `:` and the actions what follows the last.
/// Actions are kept sorted and unique, so two scopes asking the same thing compare and
/// format equal — which is what the token cache keys on.
public struct Scope: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The resource type: `repository`, `registry`.
    public let resourceType: String
    /// The resource name: a repository path such as `library/ubuntu`.
    public let name: String
    /// The actions, sorted and unique: `pull`, `push`, `delete`, `*`.
    public let actions: [String]

    /// A scope from its parts; empty actions are dropped, the rest sorted and made unique.
    public init(resourceType: String, name: String, actions: [String]) {
        self.resourceType = resourceType
        self.name = name
        self.actions = Array(Set(actions.filter { !$0.isEmpty })).sorted()
    }

    /// `repository:PATH:ACTIONS` for `repository`'s path.
    public static func repository(_ repository: RepositoryReference, actions: [String]) -> Scope {
        Scope(resourceType: "repository", name: repository.path, actions: actions)
    }

    /// `repository:PATH:pull`.
    public static func pull(_ repository: RepositoryReference) -> Scope {
        .repository(repository, actions: ["pull"])
    }

    /// Parses `type:name:actions`.
    public init(parsing text: String) throws {
        guard let first = text.firstIndex(of: ":"), let last = text.lastIndex(of: ":"), first < last else {
            throw ManifoldError(.invalidArgument, "invalid scope \(quoted(text)): expected type:name:actions")
        }
        let type = String(text[..<first])
        let name = String(text[text.index(after: first)..<last])
        guard !type.isEmpty, !name.isEmpty else {
            throw ManifoldError(.invalidArgument, "invalid scope \(quoted(text)): expected type:name:actions")
        }
        self.init(resourceType: type, name: name,
                  actions: text[text.index(after: last)...].split(separator: ",").map(String.init))
    }

    /// `type:name:action,action`, as the token request's `scope` parameter wants it.
    public var description: String {
        "\(resourceType):\(name):\(actions.joined(separator: ","))"
    }

    /// True when this scope grants everything `other` asks for.
    public func covers(_ other: Scope) -> Bool {
        resourceType == other.resourceType && name == other.name
            && (actions.contains("*") || Set(other.actions).isSubset(of: actions))
    }

    /// The scopes with the same type and name merged (their actions united), sorted: one
    /// token request asks for each resource once.
    public static func merged(_ scopes: [Scope]) -> [Scope] {
        var actions: [String: (type: String, name: String, actions: Set<String>)] = [:]
        for scope in scopes {
            let key = "\(scope.resourceType):\(scope.name)"
            actions[key, default: (scope.resourceType, scope.name, [])].actions.formUnion(scope.actions)
        }
        return actions.values.map { Scope(resourceType: $0.type, name: $0.name, actions: Array($0.actions)) }.sorted()
    }

    /// By type, then name, then actions: the order tokens are requested in.
    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        (lhs.resourceType, lhs.name, lhs.actions.joined(separator: ","))
            < (rhs.resourceType, rhs.name, rhs.actions.joined(separator: ","))
    }
}
