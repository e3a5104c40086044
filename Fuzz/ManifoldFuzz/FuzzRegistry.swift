// The registry client's parsers under libFuzzer: references, WWW-Authenticate, the Link of
// tag pages, token responses and credentials files. Each is text a registry (or a file
// another tool wrote) controls; each target checks what the client relies on, not only
// that it survives.
@testable import Manifold
@testable import ManifoldBlob
@testable import ManifoldRegistry

/// Input as text; invalid UTF-8 arrives as U+FFFD, as a Swift String holding a header would.
private func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// One header value per line, as a response with several headers of one name carries them.
private func lines(_ bytes: [UInt8]) -> [String] {
    text(bytes).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// A reference that parses is grammatical once normalised, and both of its printed forms
/// parse back to the same image: what `pull` fetches is what `inspect` shows.
func fuzzReference(_ bytes: [UInt8]) {
    let input = text(bytes)
    guard let reference = try? RegistryReference(parsing: input) else { return }
    let repository = reference.repository
    precondition(ReferenceGrammar.isDomain(repository.domain[...]), "domain \(repository.domain) is not host[:port]")
    let components = repository.path.split(separator: "/", omittingEmptySubsequences: false)
    precondition(components.allSatisfy { ReferenceGrammar.isPathComponent($0.utf8) }, "path \(repository.path) is not grammatical")
    precondition(reference.tag.map { ReferenceGrammar.isTag($0[...]) } ?? true, "tag is not grammatical")
    let familiar = try? RegistryReference(parsing: reference.description)
    precondition(familiar == reference, "\(input): the familiar form \(reference.description) parses otherwise")
    let canonical = try? RegistryReference(parsing: reference.canonical)
    precondition(canonical?.repository == repository && canonical?.digest == reference.digest
                 && canonical?.manifestReference == reference.manifestReference,
                 "\(input): the canonical form \(reference.canonical) parses otherwise")
    precondition((try? RepositoryReference(parsing: repository.canonical)) == repository, "the repository does not re-parse")
}

/// Challenges that parse render back (``AuthenticationChallenge/description``) to the same
/// challenges; a token request built from one never sends credentials over plain http to a
/// registry reached over https, as curl reads the URL.
func fuzzWWWAuthenticate(_ bytes: [UInt8]) {
    guard let parsed = try? WWWAuthenticate(parsing: lines(bytes)) else { return }
    precondition(!parsed.challenges.isEmpty, "a header parsed to no challenge")
    let rendered = parsed.challenges.map(\.description).joined(separator: ", ")
    let again = try? WWWAuthenticate(parsing: rendered)
    precondition(again?.challenges == parsed.challenges, "challenges do not survive rendering: \(rendered)")
    let repository = RepositoryReference(uncheckedDomain: "registry.example", path: "team/app")
    for challenge in parsed.challenges {
        _ = challenge.scopes
        guard let request = try? TokenRequest(challenge: challenge, scopes: [.pull(repository)], registryUsesTLS: true) else { continue }
        // libcurl must load here: a target that skipped curl's reading would fuzz less than it says.
        precondition((try? CurlGlobal.ready()) != nil, "libcurl did not load")
        guard let url = try? CurlURL(request.url(account: "user")) else { continue }
        precondition(url.scheme == "https", "a token request over \(url.scheme) for a registry on https")
    }
}

private let linkBase = try! URLParts("https://registry.example:5000/v2/")
private let linkPage = try! URLParts("https://registry.example:5000/v2/team/app/tags/list?n=100&last=a")
private let linkRepository = RepositoryReference(uncheckedDomain: "registry.example:5000", path: "team/app")

/// A next page that is followed is on the registry's scheme, host and port: as this client
/// reads the URL, as it reads it again, and as curl, which connects, reads it.
func fuzzLink(_ bytes: [UInt8]) {
    let values = lines(bytes)
    guard let page = try? RegistryClient.nextPage(values, of: linkPage, base: linkBase, repository: linkRepository) else { return }
    precondition(page.scheme == linkBase.scheme && page.authority == linkBase.authority, "followed a link off the registry: \(page.url)")
    precondition((try? URLParts(page.url)) == page, "the page's URL reads otherwise the second time: \(page.url)")
    precondition((try? CurlGlobal.ready()) != nil, "libcurl did not load")
    guard let curl = try? CurlURL(page.url) else { return }
    precondition(curl.scheme == "https" && curl.host == "registry.example" && curl.port == "5000",
                 "curl would connect to \(curl.scheme)://\(curl.host):\(curl.port ?? "-") for \(page.url)")
}

/// A token response that decodes gives a token that can go in a header as it is (no control
/// character to end the line and add another), a lifetime of at least the spec's minimum, and
/// an expiry never later than its lifetime from receipt, however the server's clock runs.
func fuzzTokenResponse(_ bytes: [UInt8]) {
    let realm = "https://auth.example/token"
    guard let response = try? BearerTokenResponse(decoding: bytes, realm: realm) else { return }
    precondition(!response.token.isEmpty, "an empty token")
    precondition(response.token.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }, "a token with a control character")
    precondition(response.refreshToken.map { !$0.isEmpty } ?? true, "an empty refresh token")
    precondition(response.expiresIn >= BearerTokenResponse.minimumLifetime, "a lifetime under the minimum")
    let received = 1_800_000_000.0
    let expiry = response.expiry(receivedAt: received)
    precondition(expiry.isFinite && expiry <= received + Double(response.expiresIn), "expiry \(expiry) past the lifetime")
    let cache = TokenCache(clock: { received })
    let key = TokenCache.Key(realm: realm, service: "registry.example", scopes: [])
    cache.store(response, for: key, receivedAt: received)
    if let handed = cache.token(for: key) {
        precondition(handed == response.token && expiry > received, "an expired token is handed out")
    }
}

/// A credentials file that decodes: its base64 `auth` has one encoding; a user and password
/// are split at the first colon (the user holds none) and have no NUL; and a credential
/// written back as `login` writes it reads back the same.
func fuzzAuthFile(_ bytes: [UInt8]) {
    for legacy in [false, true] {
        guard let file = try? AuthFile(bytes: bytes, path: "fuzz.json", isLegacyFormat: legacy) else { continue }
        _ = file.credentialHelpers
        _ = file.credentialsStore
        for (key, entry) in file.auths.prefix(16) {
            if case .string(let auth)? = entry["auth"], let decoded = Base64.decode(auth) {
                precondition(Base64.encode(decoded) == auth, "\(auth) is not the one encoding of its bytes")
            }
            let host = AuthFile.normalizedKey(key, isLegacyFormat: legacy)
            guard let repository = try? RepositoryReference(parsing: host + "/fuzz/app"),
                  let credential = try? file.credential(for: repository) else { continue }
            _ = file.credentialHelper(for: repository)
            precondition(!credential.username.unicodeScalars.contains(":"), "user name \(credential.username) holds a colon")
            precondition(!credential.password.unicodeScalars.contains("\0"), "a password holds a NUL")
            guard !legacy, credential.identityToken == nil,
                  var copy = try? AuthFile(bytes: Array("{}".utf8), path: "fuzz.json") else { continue }
            copy.setCredential(key: repository.domain, username: credential.username, password: credential.password)
            let written = JSONWriter(indent: "\t", sortKeys: false).bytes(.object(copy.document))
            let reread = try? AuthFile(bytes: written, path: "fuzz.json").credential(for: repository)
            precondition(reread == RegistryCredential(username: credential.username, password: credential.password, source: "fuzz.json"),
                         "a credential does not survive being written and read")
        }
    }
}
