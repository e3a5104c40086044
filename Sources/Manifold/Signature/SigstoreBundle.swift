/// A Sigstore bundle (`application/vnd.dev.sigstore.bundle.v0.3+json`), as cosign v3 attaches
/// it to an image: an OCI 1.1 referrer whose one layer is the bundle. Only what an offline
/// key-based check uses is read: the DSSE envelope, and whether the bundle carries a
/// certificate (keyless) or transparency-log entries (never consulted here).
struct SigstoreBundle {
    static let mediaTypePrefix = "application/vnd.dev.sigstore.bundle"

    /// The DSSE envelope: what was signed is its pre-authentication encoding (``pae``).
    struct Envelope {
        let payloadType: String
        let payload: [UInt8]
        let signatures: [[UInt8]]

        /// DSSE's PAE: `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in decimal.
        var pae: [UInt8] {
            Array("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8) + payload
        }
    }

    let envelope: Envelope?
    /// A `messageSignature` bundle (a signature over a digest, no envelope).
    let isMessageSignature: Bool
    /// A certificate instead of a public-key hint: keyless, unverifiable offline.
    let isKeyless: Bool
    let hasTransparencyLogEntries: Bool

    init(bytes: [UInt8]) throws {
        guard case .object(let root) = try JSONParser.parse(bytes) else {
            throw ManifoldError(.invalidDocument, "bundle is not a JSON object")
        }
        if case .object(let material)? = root["verificationMaterial"] {
            isKeyless = material["certificate"] != nil || material["x509CertificateChain"] != nil
            if case .array(let entries)? = material["tlogEntries"] { hasTransparencyLogEntries = !entries.isEmpty } else { hasTransparencyLogEntries = false }
        } else {
            isKeyless = false
            hasTransparencyLogEntries = false
        }
        isMessageSignature = root["messageSignature"] != nil
        guard case .object(let dsse)? = root["dsseEnvelope"] else {
            if isMessageSignature { envelope = nil; return }
            throw ManifoldError(.invalidDocument, "bundle has neither a dsseEnvelope nor a messageSignature")
        }
        guard case .string(let type)? = dsse["payloadType"], case .string(let body)? = dsse["payload"],
              let payload = Base64.decode(body)
        else {
            throw ManifoldError(.invalidDocument, "bundle dsseEnvelope has no base64 payload and payloadType")
        }
        guard case .array(let list)? = dsse["signatures"] else {
            throw ManifoldError(.invalidDocument, "bundle dsseEnvelope has no signatures")
        }
        var signatures: [[UInt8]] = []
        for case .object(let entry) in list {
            guard case .string(let text)? = entry["sig"], let signature = Base64.decode(text) else {
                throw ManifoldError(.invalidDocument, "bundle dsseEnvelope signature is not base64")
            }
            signatures.append(signature)
        }
        envelope = Envelope(payloadType: type, payload: payload, signatures: signatures)
    }
}
