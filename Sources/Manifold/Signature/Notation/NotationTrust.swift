#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `verify --trust-policy FILE --trust-store DIR` gives: a Notation trust policy
/// document and the certificates of the trust stores it names (`DIR/x509/ca/<name>/*.pem`,
/// `DIR/x509/signingAuthority/<name>/*.pem`), read once before any image.
public struct NotationTrust: Sendable {
    public let policyFile: String
    public let policies: [TrustPolicy]
    /// By `ca:<name>` / `signingAuthority:<name>`.
    let stores: [String: TrustStore]

    /// A policy or certificate file is a few kilobytes; more is not one.
    static let maximumFileSize = 1024 * 1024

    public init(policyFile: String, storeDirectory: String) throws {
        self.policyFile = policyFile
        let bytes = try Self.read(policyFile)
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw ManifoldError(.invalidArgument, "\(policyFile): not JSON: \(asManifoldError(error).message)")
        }
        guard case .object(let document) = root else { throw ManifoldError(.invalidArgument, "\(policyFile): not a JSON object") }
        guard case .string("1.0")? = document["version"] else {
            throw ManifoldError(.invalidArgument, "\(policyFile): version must be \"1.0\" (a Notation trustpolicy.json)")
        }
        guard case .array(let list)? = document["trustPolicies"], !list.isEmpty else {
            throw ManifoldError(.invalidArgument, "\(policyFile): trustPolicies is missing or empty")
        }
        var policies: [TrustPolicy] = []
        for case .object(let entry) in list {
            let policy = try TrustPolicy(entry, file: policyFile)
            if policies.contains(where: { $0.name == policy.name }) {
                throw ManifoldError(.invalidArgument, "\(policyFile): two trust policies are named \(policy.name)")
            }
            for scope in policy.registryScopes {
                if let other = policies.first(where: { $0.registryScopes.contains(scope) }) {
                    throw ManifoldError(.invalidArgument, "\(policyFile): registry scope \(scope) is in both \(other.name) and \(policy.name)")
                }
            }
            policies.append(policy)
        }
        guard policies.count == list.count else { throw ManifoldError(.invalidArgument, "\(policyFile): a trustPolicies entry is not an object") }
        self.policies = policies

        var stores: [String: TrustStore] = [:]
        for reference in Set(policies.flatMap(\.trustStores)) {
            let (type, name) = reference.split(separator: ":", maxSplits: 1).map(String.init).pairOrEmpty
            guard !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
                throw ManifoldError(.invalidArgument, "\(policyFile): trust store \(quoted(reference)) has no usable name")
            }
            let directory = "\(storeDirectory)/x509/\(type)/\(name)"
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw ManifoldError(.invalidArgument, "trust store \(reference): \(directory) is not a readable directory")
            }
            let names = directoryNames(fd).filter { $0.hasSuffix(".pem") || $0.hasSuffix(".crt") }.sorted()
            close(fd)
            var certificates: [Certificate] = []
            for file in names {
                let found = Certificate.all(pem: try Self.read("\(directory)/\(file)"))
                guard !found.isEmpty else { throw ManifoldError(.invalidArgument, "trust store \(reference): \(directory)/\(file) holds no PEM certificate") }
                certificates += found
            }
            guard !certificates.isEmpty else {
                throw ManifoldError(.invalidArgument, "trust store \(reference): \(directory) holds no certificate (*.pem, *.crt)")
            }
            stores[reference] = try TrustStore(name: reference, certificates: certificates)
        }
        self.stores = stores
    }

    /// The policy for `repository` (`registry/name`, no tag), or nil: the policy naming it,
    /// else the one with `*`. Without a repository (a layout or archive, whose tags name no
    /// registry) only a `*` policy applies.
    public func policy(for repository: String?) -> TrustPolicy? {
        if let repository, let exact = policies.first(where: { $0.registryScopes.contains(repository) }) { return exact }
        return policies.first { $0.registryScopes == ["*"] }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        let file: OpenFile
        do {
            file = try OpenFile(path: path)
        } catch let error as ManifoldError {
            throw ManifoldError(.invalidArgument, "\(path): \(error.message)")
        }
        guard file.isRegular, file.size <= UInt64(maximumFileSize) else {
            throw ManifoldError(.invalidArgument, "\(path): not a regular file of at most \(maximumFileSize) bytes")
        }
        return try file.readWhole()
    }
}

private extension Array where Element == String {
    var pairOrEmpty: (String, String) { count == 2 ? (self[0], self[1]) : ("", "") }
}
