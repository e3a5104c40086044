// https://github.com/notaryproject/specifications/blob/main/specs/trust-store-trust-policy.md

/// One entry of a Notation `trustpolicy.json` (version 1.0): which repositories it covers,
/// how strictly it verifies, which trust stores and which signer identities it trusts.
public struct TrustPolicy: Sendable {
    /// A verification level's action for one check (`enforce`, `log`, `skip`).
    public enum Action: String, Sendable { case enforce, log, skip }

    /// The checks a level sets actions for (integrity is always enforced unless skipped).
    public enum Validation: String, Sendable, CaseIterable {
        case integrity, authenticity, authenticTimestamp, expiry, revocation
    }

    public let name: String
    /// `*`, or repository names (`registry.example/app`).
    public let registryScopes: [String]
    /// `strict`, `permissive`, `audit` or `skip`.
    public let level: String
    public let actions: [Validation: Action]
    /// `ca:<name>` or `signingAuthority:<name>`.
    public let trustStores: [String]
    /// `*`, or `x509.subject: C=…, O=…, CN=…` (the attributes a leaf's subject must have).
    public let trustedIdentities: [String]

    public var skipsVerification: Bool { level == "skip" }

    public func action(_ validation: Validation) -> Action { actions[validation] ?? .enforce }

    /// The actions a level sets, before overrides (the spec's table).
    static func actions(level: String) -> [Validation: Action]? {
        switch level {
        case "strict": [.integrity: .enforce, .authenticity: .enforce, .authenticTimestamp: .enforce, .expiry: .enforce, .revocation: .enforce]
        case "permissive": [.integrity: .enforce, .authenticity: .enforce, .authenticTimestamp: .log, .expiry: .log, .revocation: .log]
        case "audit": [.integrity: .enforce, .authenticity: .log, .authenticTimestamp: .log, .expiry: .log, .revocation: .log]
        case "skip": [.integrity: .skip, .authenticity: .skip, .authenticTimestamp: .skip, .expiry: .skip, .revocation: .skip]
        default: nil
        }
    }

    init(_ object: JSONObject, file: String) throws {
        func fail(_ words: String) -> ManifoldError { ManifoldError(.invalidArgument, "\(file): \(words)") }
        func strings(_ key: String) throws -> [String] {
            guard case .array(let list)? = object[key] else { throw fail("a trust policy has no \(key) array") }
            return try list.map { value in
                guard case .string(let text) = value else { throw fail("\(key) holds \(value.typeName), not a string") }
                return text
            }
        }
        guard case .string(let name)? = object["name"], !name.isEmpty else { throw fail("a trust policy has no name") }
        self.name = name
        registryScopes = try strings("registryScopes")
        guard !registryScopes.isEmpty else { throw fail("trust policy \(name): registryScopes is empty") }
        if registryScopes.contains("*"), registryScopes.count > 1 { throw fail("trust policy \(name): \"*\" must be the only registry scope") }
        guard case .object(let verification)? = object["signatureVerification"], case .string(let level)? = verification["level"],
              var actions = Self.actions(level: level)
        else { throw fail("trust policy \(name): signatureVerification.level is strict, permissive, audit or skip") }
        self.level = level
        if case .object(let overrides)? = verification["override"] {
            for (key, value) in overrides.members {
                guard let validation = Validation(rawValue: key), validation != .integrity else {
                    throw fail("trust policy \(name): override \(quoted(key)) is not authenticity, authenticTimestamp, expiry or revocation")
                }
                guard case .string(let text) = value, let action = Action(rawValue: text) else {
                    throw fail("trust policy \(name): override \(key) is enforce, log or skip")
                }
                actions[validation] = action
            }
        }
        self.actions = actions
        if level == "skip" {
            trustStores = (try? strings("trustStores")) ?? []
            trustedIdentities = (try? strings("trustedIdentities")) ?? []
        } else {
            trustStores = try strings("trustStores")
            trustedIdentities = try strings("trustedIdentities")
            guard !trustStores.isEmpty, !trustedIdentities.isEmpty else {
                throw fail("trust policy \(name): trustStores and trustedIdentities must not be empty at level \(level)")
            }
            for store in trustStores where !(store.hasPrefix("ca:") || store.hasPrefix("signingAuthority:")) {
                throw fail("trust policy \(name): trust store \(quoted(store)) is not ca:<name> or signingAuthority:<name>")
            }
            for identity in trustedIdentities where identity != "*" {
                guard identity.hasPrefix("x509.subject:"), !Self.attributes(identity).isEmpty else {
                    throw fail("trust policy \(name): trusted identity \(quoted(identity)) is not \"*\" or \"x509.subject: …\"")
                }
            }
        }
    }

    /// The DN attributes of `x509.subject: C=US, ST=WA, O=…` (`\,` escapes a comma).
    static func attributes(_ identity: String) -> [(name: String, value: String)] {
        let dn = identity.dropFirst("x509.subject:".count)
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in dn {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "," { parts.append(current); current = ""; continue }
            current.append(character)
        }
        parts.append(current)
        return parts.compactMap { part in
            guard let equals = part.firstIndex(of: "=") else { return nil }
            let name = part[..<equals].trimmingSpaces, value = part[part.index(after: equals)...].trimmingSpaces
            return name.isEmpty ? nil : (name, value)
        }
    }

    /// Whether a leaf certificate's subject attributes satisfy one of the trusted identities:
    /// `*`, or every attribute the identity lists, with the same value (the subject may hold more).
    func trusts(subject: [(name: String, value: String)]) -> Bool {
        trustedIdentities.contains { identity in
            identity == "*" || Self.attributes(identity).allSatisfy { wanted in
                subject.contains { $0.name == wanted.name && $0.value == wanted.value }
            }
        }
    }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
