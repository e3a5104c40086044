#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Verifies one Notation signature layer against a trust policy, offline: the JWS signature
/// over its signing input by the leaf of `x5c`; the payload's targetArtifact against the
/// signature manifest's subject; the leaf's key usages; the chain to the policy's trust
/// stores; the signer's identity; signing time and expiry. Each failure is a problem when
/// the policy's level enforces that check, a note when it only logs it.
struct NotationCheck {
    let trust: NotationTrust
    /// The repository the image came from, when known (``NotationScope``).
    let repository: String?

    func check(_ bytes: [UInt8], subject: Descriptor?, result: SignatureResult) -> SignatureResult {
        var result = result
        result.format = "notation-jws"
        guard let policy = trust.policy(for: repository) else {
            result.problems.append("no trust policy in \(trust.policyFile) applies to \(repository ?? "an image whose tags name no registry (only a policy with registryScopes [\"*\"] does)")")
            result.status = .failed
            return result
        }
        result.policy = policy.name
        if policy.skipsVerification {
            result.notes.append("not checked: trust policy \(policy.name) is at level skip")
            return result
        }
        var logged = 0
        func finding(_ validation: TrustPolicy.Validation, _ words: String) {
            switch policy.action(validation) {
            case .enforce: result.problems.append(words)
            case .log where validation == .authenticity:
                // An untrusted signer is never called verified; the level decides only
                // whether the run fails for it (audit: it does not).
                result.problems.append(words)
                logged += 1
            case .log: result.notes.append("\(validation.rawValue) not enforced (\(policy.level)): \(words)")
            case .skip: break
            }
        }

        let envelope: NotationEnvelope
        do {
            envelope = try NotationEnvelope(bytes: bytes)
        } catch {
            result.problems.append(asManifoldError(error).message)
            result.integrityFailed = true
            result.status = .failed
            return result
        }
        result.scheme = envelope.algorithm.rawValue
        result.payloadDigest = envelope.target.digest

        // Integrity: the signature by the leaf, the payload naming what it is attached to,
        // the leaf fit for signing.
        var chain: [Certificate] = []
        do {
            chain = try envelope.chain.map { try Certificate(der: $0) }
        } catch {
            result.problems.append("an x5c certificate cannot be read: \(asManifoldError(error).message)")
        }
        if let leaf = chain.first {
            if leaf.verifyJWS(envelope.signature, over: envelope.signingInput, algorithm: envelope.algorithm) {
                // Named only once its key verified the signature: a claim is not a signer.
                result.key = leaf.subject
            } else {
                let (type, bits) = leaf.keyDescription
                result.problems.append("the \(envelope.algorithm.rawValue) signature does not verify with the leaf certificate's key (\(type) \(bits))")
            }
            if !leaf.allowsDigitalSignature { result.problems.append("the leaf certificate's key usage lacks digitalSignature") }
            if !leaf.allowsCodeSigning { result.problems.append("the leaf certificate's extended key usage lacks codeSigning") }
            if leaf.isCA { result.problems.append("the leaf certificate is a CA") }
        }
        if let subject {
            let target = envelope.target
            if target.digest != subject.digest {
                result.problems.append("its payload names \(target.digest), not \(subject.digest), the manifest it is attached to")
                result.misplaced = true
            } else if target.size != subject.size || target.mediaType != subject.mediaType {
                result.problems.append("its payload's targetArtifact (\(target.mediaType), \(target.size) bytes) differs from the subject (\(subject.mediaType), \(subject.size) bytes)")
            }
        } else if result.signs == nil {
            result.signs = envelope.target.digest
        }
        if !result.problems.isEmpty { result.integrityFailed = true }
        guard let leaf = chain.first else {
            result.status = .failed
            return result
        }

        // Authenticity: a chain to a trusted CA, and an identity the policy trusts.
        var chainReasons: [String] = []
        var trusted = false
        // The scheme says which kind of store may vouch for the signer (spec: notary.x509 →
        // ca, notary.x509.signingAuthority → signingAuthority).
        let kind = envelope.signingScheme == NotationEnvelope.x509 ? "ca:" : "signingAuthority:"
        let stores = policy.trustStores.filter { $0.hasPrefix(kind) }
        if stores.isEmpty { chainReasons.append("policy \(policy.name) names no \(kind)<name> trust store for signing scheme \(envelope.signingScheme)") }
        for name in stores {
            guard let store = trust.stores[name] else { continue }
            if let reason = store.verify(leaf, intermediates: Array(chain.dropFirst())) {
                chainReasons.append("\(name): \(reason)")
            } else {
                trusted = true
                result.trustStore = name
                result.notes.append("chain to \(name)")
                break
            }
        }
        if !trusted {
            finding(.authenticity, "the certificate chain does not lead to a trusted CA (\(chainReasons.joined(separator: "; ")))")
        }
        if !policy.trusts(subject: leaf.subjectAttributes) {
            finding(.authenticity, "signer \(quoted(leaf.subject, limit: 200)) is not a trusted identity of policy \(policy.name)")
        }

        // Authentic timestamp: without a timestamp countersignature (not read here) the
        // signing time is the signer's claim, so each certificate must be valid both then
        // and now (notary.x509); a signing authority's time is trusted as signed.
        let now = Int64(time(nil))
        for certificate in chain {
            if !certificate.isValid(at: envelope.signingSeconds) {
                finding(.authenticTimestamp, "certificate \(quoted(certificate.subject, limit: 120)) (valid \(certificate.validity)) was not valid at the signing time \(envelope.signingTime)")
            } else if envelope.signingScheme == NotationEnvelope.x509, !certificate.isValid(at: now) {
                finding(.authenticTimestamp, "certificate \(quoted(certificate.subject, limit: 120)) (valid \(certificate.validity)) is not valid now")
            }
        }
        if let expiry = envelope.expiry, expiry.seconds < now {
            finding(.expiry, "the signature expired at \(expiry.text)")
        }
        if policy.action(.revocation) != .skip {
            result.notes.append("revocation skipped: certificate revocation (OCSP, CRL) cannot be checked offline")
        }
        // Only when nothing enforced failed: then the level lets the signature count.
        result.authenticityLogged = logged > 0 && logged == result.problems.count
        if logged > 0 {
            result.notes.append("authenticity logged, not enforced (level \(policy.level))")
        }
        result.status = result.problems.isEmpty ? .verified : .failed
        return result
    }

    /// `registry/repository` of a `docker://` location (tag and digest dropped), else nil.
    static func repository(of location: String) -> String? {
        guard location.hasPrefix("docker://") else { return nil }
        var reference = String(location.dropFirst("docker://".count))
        if let at = reference.firstIndex(of: "@") { reference = String(reference[..<at]) }
        if let slash = reference.lastIndex(of: "/"), let colon = reference.lastIndex(of: ":"), colon > slash {
            reference = String(reference[..<colon])
        }
        return reference
    }
}
