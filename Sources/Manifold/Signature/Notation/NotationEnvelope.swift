// https://github.com/notaryproject/specifications/blob/main/specs/signature-envelope-jws.md

/// A Notation signature in JWS JSON serialization (`application/jose+json`), its parts
/// decoded and its protected header read. Parsing checks the shape only; what it proves is
/// ``NotationCheck``'s.
struct NotationEnvelope {
    static let mediaType = "application/jose+json"
    static let coseMediaType = "application/cose"
    static let artifactType = "application/vnd.cncf.notary.signature"
    static let payloadContentType = "application/vnd.cncf.notary.payload.v1+json"
    /// The signing schemes: a CA-issued signer's own time, or a signing authority's.
    static let x509 = "notary.x509"
    static let signingAuthority = "notary.x509.signingAuthority"

    /// The header parameters a verifier must understand when `crit` lists them; anything
    /// else listed is refused (RFC 7515 §4.1.11).
    static let understood: Set<String> = ["io.cncf.notary.signingScheme", "io.cncf.notary.expiry", "io.cncf.notary.authenticSigningTime"]

    let algorithm: JWSAlgorithm
    let signingScheme: String
    let signingTime: String
    let signingSeconds: Int64
    let expiry: (text: String, seconds: Int64)?
    /// What is signed: `base64url(protected) "." base64url(payload)`, as the envelope spells it.
    let signingInput: [UInt8]
    let signature: [UInt8]
    /// The `targetArtifact` descriptor of the payload.
    let target: Descriptor
    /// `x5c`: DER certificates, leaf first.
    let chain: [[UInt8]]

    init(bytes: [UInt8]) throws {
        guard case .object(let root) = try JSONParser.parse(bytes) else { throw Self.error("is not a JSON object") }
        guard case .string(let protectedText)? = root["protected"], case .string(let payloadText)? = root["payload"],
              case .string(let signatureText)? = root["signature"]
        else { throw Self.error("lacks protected, payload or signature (JWS JSON serialization expected)") }
        guard let protected = Self.base64url(protectedText), let payload = Self.base64url(payloadText),
              let signature = Self.base64url(signatureText), !signature.isEmpty
        else { throw Self.error("protected, payload or signature is not base64url") }
        self.signature = signature
        signingInput = Array((protectedText + "." + payloadText).utf8)

        guard case .object(let header) = try JSONParser.parse(protected) else { throw Self.error("protected header is not a JSON object") }
        guard case .string(let alg)? = header["alg"], let algorithm = JWSAlgorithm(rawValue: alg) else {
            let named = if case .string(let alg)? = header["alg"] { quoted(alg) } else { "missing" }
            throw Self.error("alg \(named) is not one Notation signs with (ES256/384/512, PS256/384/512)")
        }
        self.algorithm = algorithm
        guard case .string(let cty)? = header["cty"], cty == Self.payloadContentType else {
            throw Self.error("cty is not \(Self.payloadContentType)")
        }
        guard case .string(let scheme)? = header["io.cncf.notary.signingScheme"] else { throw Self.error("has no io.cncf.notary.signingScheme") }
        guard scheme == Self.x509 || scheme == Self.signingAuthority else {
            throw Self.error("signing scheme \(quoted(scheme)) is not \(Self.x509) or \(Self.signingAuthority)")
        }
        signingScheme = scheme
        var critical: [String] = []
        if case .array(let list)? = header["crit"] {
            for case .string(let name) in list { critical.append(name) }
        }
        // notary.x509 states the signer's clock; a signing authority signs its own, which is
        // critical (the spec's two headers).
        let timeHeader = scheme == Self.x509 ? "io.cncf.notary.signingTime" : "io.cncf.notary.authenticSigningTime"
        guard case .string(let time)? = header[timeHeader], let seconds = RFC3339.seconds(time) else {
            throw Self.error("\(timeHeader) is missing or not an RFC 3339 time")
        }
        if scheme == Self.signingAuthority, !critical.contains(timeHeader) {
            throw Self.error("\(timeHeader) is not listed in crit")
        }
        signingTime = time
        signingSeconds = seconds
        guard critical.contains("io.cncf.notary.signingScheme") else { throw Self.error("crit does not list io.cncf.notary.signingScheme") }
        if let unknown = critical.first(where: { !Self.understood.contains($0) }) {
            throw Self.error("crit lists \(unknown), which manifold does not understand (a verification plugin cannot run here)")
        }
        if let value = header["io.cncf.notary.expiry"] {
            guard case .string(let text) = value, let seconds = RFC3339.seconds(text) else { throw Self.error("io.cncf.notary.expiry is not an RFC 3339 time") }
            guard critical.contains("io.cncf.notary.expiry") else { throw Self.error("io.cncf.notary.expiry is not listed in crit") }
            expiry = (text, seconds)
        } else {
            expiry = nil
        }

        guard case .object(let body) = try JSONParser.parse(payload), case .object(let target)? = body["targetArtifact"] else {
            throw Self.error("payload has no targetArtifact object")
        }
        guard case .string(let mediaType)? = target["mediaType"], case .string(let digestText)? = target["digest"],
              case .number(let sizeText)? = target["size"], let size = Int64(sizeText),
              let digest = try? Digest(parsing: digestText)
        else { throw Self.error("payload targetArtifact lacks a mediaType, digest or size") }
        self.target = Descriptor(mediaType: mediaType, digest: digest, size: size)

        guard case .object(let unprotected)? = root["header"], case .array(let x5c)? = unprotected["x5c"], !x5c.isEmpty else {
            throw Self.error("unprotected header has no x5c certificate chain")
        }
        var chain: [[UInt8]] = []
        for case .string(let text) in x5c {
            guard let der = Base64.decode(text) else { throw Self.error("an x5c entry is not base64") }
            chain.append(der)
        }
        self.chain = chain
    }

    private static func error(_ words: String) -> ManifoldError {
        ManifoldError(.invalidDocument, "JWS envelope " + words)
    }

    /// RFC 4648 §5 without padding, as JWS writes it (RFC 7515 §2); nil for anything else.
    static func base64url(_ text: String) -> [UInt8]? {
        guard !text.contains("="), !text.contains("+"), !text.contains("/") else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        switch standard.utf8.count % 4 {
        case 2: standard += "=="
        case 3: standard += "="
        case 1: return nil
        default: break
        }
        return Base64.decode(standard)
    }
}
