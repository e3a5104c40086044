// https://github.com/containers/image/blob/main/docs/containers-certs.d.5.md

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Manifold

/// How commands reach registries: the registry flags (`--authfile`, `--creds`, `--cert-dir`,
/// `--tls-verify`) turned into clients and content providers.
///
/// TLS is verified unless ``verifiesTLS`` is false, which also allows plain http (tried when
/// https does not answer, as skopeo does). A registry on this machine (`localhost`,
/// `127.0.0.0/8`, `::1`) may also be reached over plain http with verification on, as docker
/// allows: https is tried first, and http only when the TLS handshake broke because the
/// server answered in plain HTTP (see ``RegistryClient/baseURL()``). Per-registry trust comes
/// from ``certDirectory`` when given, else the first of `/etc/containers/certs.d/HOST[:PORT]/`
/// and `/etc/docker/certs.d/HOST[:PORT]/` that has files: every `*.crt` file is a CA, all of
/// them trusted together with the system store; a `*.cert` with the `*.key` of the same name
/// is a client certificate (the first by name).
public struct RegistryOptions: Sendable {
    /// `--authfile`.
    public var authFile: String?
    /// `--creds USER:PASS`, parsed.
    public var credential: RegistryCredential?
    /// `--cert-dir`.
    public var certDirectory: String?
    /// `--tls-verify` (true unless `--tls-verify=false`).
    public var verifiesTLS: Bool
    /// Where credentials are looked for (this process's environment by default).
    public var environment: CredentialEnvironment
    /// Directories searched for `HOST/` when no ``certDirectory`` is given.
    public var certsDirectories: [String]
    /// `--timeout`: the time every registry transfer of the run together may take.
    public var deadline: RegistryDeadline?

    public init(authFile: String? = nil, credential: RegistryCredential? = nil, certDirectory: String? = nil,
                verifiesTLS: Bool = true, environment: CredentialEnvironment = .current(),
                certsDirectories: [String] = ["/etc/containers/certs.d", "/etc/docker/certs.d"]) {
        self.authFile = authFile
        self.credential = credential
        self.certDirectory = certDirectory
        self.verifiesTLS = verifiesTLS
        self.environment = environment
        self.certsDirectories = certsDirectories
    }

    /// The credential store these options read (and `login` writes).
    public var credentialStore: CredentialStore {
        CredentialStore(environment: environment, authFile: authFile, explicitCredential: credential)
    }

    /// A client for `host` (`host[:port]`).
    package func client(host: String, retry: RetryPolicy = RetryPolicy()) throws -> RegistryClient {
        var configuration = HTTPClientConfiguration()
        let loopback = RepositoryReference.isLoopback(host: host)
        var options = HTTPHostOptions(verifiesTLS: verifiesTLS, allowsPlainHTTP: !verifiesTLS || loopback)
        // A token server may live on another host: it gets the TLS settings, never a client certificate.
        configuration.defaultHostOptions = HTTPHostOptions(verifiesTLS: verifiesTLS, allowsPlainHTTP: !verifiesTLS)
        let directories = certDirectory.map { [$0] } ?? certsDirectories.map { "\($0)/\(host)" }
        for directory in directories {
            let names = Self.fileNames(in: directory)
            guard !names.isEmpty else { continue }
            let authorities = try names.filter { $0.hasSuffix(".crt") }.map { try Self.readPEM("\(directory)/\($0)") }
            if !authorities.isEmpty {
                let bundle = Array(authorities.joined(separator: [UInt8(ascii: "\n")]))
                options.caCertificates = bundle
                configuration.defaultHostOptions.caCertificates = bundle
            }
            if let certificate = names.first(where: { $0.hasSuffix(".cert") && names.contains(String($0.dropLast(5)) + ".key") }) {
                options.clientCertificateFile = "\(directory)/\(certificate)"
                options.clientKeyFile = "\(directory)/\(certificate.dropLast(5)).key"
            }
            break
        }
        configuration.hostOptions[host.lowercased()] = options
        return RegistryClient(
            host: host, http: try HTTPClient(configuration: configuration), credentials: credentialStore, retry: retry,
            allowsPlainHTTP: !verifiesTLS, plainHTTPWhenNotTLS: loopback, deadline: deadline)
    }

    /// A CA file's bytes (PEM), at most 4 MiB: an error naming it when it cannot be read,
    /// since a CA the user put there and the client silently ignored would be a puzzle.
    static func readPEM(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw ManifoldError(.unreadable, "\(path): cannot read the CA certificate: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= 4 << 20 else { throw ManifoldError(.limitExceeded, "\(path): a CA file of more than 4 MiB") }
        }
        return bytes
    }

    /// The content provider for `reference`: what verify, inspect and pull read.
    /// `listsAttached`: its index also lists the image's signatures and referrers (verify
    /// --key), with `.everyPlatform` those of each platform manifest, and with `.carried`
    /// (copy, pull) their cosign `.att` and `.sbom` tags as well.
    public func provider(for reference: RegistryReference, blobProgress: RegistryContentProvider.BlobProgress? = nil,
                         listsAttached: AttachedListing = .none) throws
        -> RegistryContentProvider
    {
        RegistryContentProvider(reference: reference, client: try client(host: reference.repository.registryHost), blobProgress: blobProgress,
                                listsAttached: listsAttached)
    }

    /// The content sink for `repository`: what push and copy write through. Blobs the
    /// registry lacks are mounted from `mountSource` (a repository of the same registry,
    /// whose `pull` the credentials allow) before they are sent.
    public func sink(for repository: RepositoryReference, mountSource: RepositoryReference? = nil) throws -> RegistryContentSink {
        let client = try client(host: repository.registryHost)
        let mount = mountSource.flatMap { $0.registryHost == repository.registryHost ? $0 : nil }
        return RegistryContentSink(repository: repository, client: client, mountSource: mount)
    }

    /// Writes `reference`'s manifest (exactly as the registry serves it) under each of
    /// `tags` in its repository: no blob is read or sent. Returns its digest.
    public func tag(_ reference: RegistryReference, as tags: [String], documentLimit: Int) throws -> Digest {
        let client = try client(host: reference.repository.registryHost)
        let repository = reference.repository
        guard let manifest = try client.manifest(repository, reference: reference.manifestReference, limit: documentLimit) else {
            throw ManifoldError(.absent, "\(reference.canonical): manifest unknown to \(client.host)")
        }
        if let digest = reference.digest, digest != manifest.digest {
            throw ManifoldError(.digestMismatch, "\(reference.canonical): the registry served a manifest whose digest is \(manifest.digest)")
        }
        for tag in tags {
            try client.putManifest(repository, reference: tag, mediaType: manifest.mediaType, bytes: manifest.bytes, digest: manifest.digest)
        }
        return manifest.digest
    }

    /// The most distinct tags a listing keeps unless told otherwise (`--max-tags`).
    public static let defaultMaxTags = RegistryClient.defaultMaxTags

    /// Every tag of `repository`, sorted; more than `maxTags` is an error naming the cap.
    public func tags(_ repository: RepositoryReference, maxTags: Int = defaultMaxTags) throws -> [String] {
        try client(host: repository.registryHost).tags(repository, maxTags: maxTags)
    }

    /// Checks `credential` against `host`'s `/v2/` (as `login` does before saving it).
    public func checkLogin(host: String, credential: RegistryCredential) throws {
        var options = self
        options.credential = credential
        let registryHost = host == RepositoryReference.dockerHubDomain ? RepositoryReference.dockerHubRegistryHost : host
        try options.client(host: registryHost, retry: .never).ping()
    }

    /// The regular entries of a directory, sorted; none when it cannot be read.
    static func fileNames(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
