/// Checks the signatures an image carries against the keys given, after the walk: reads each
/// cosign payload (checked against its descriptor like any document), verifies the signature
/// in its annotation over the payload's exact bytes, compares the digest the payload names
/// with the manifest the signature is attached to, and then applies the requirement.
///
/// Offline by nature: no transparency log, no certificate authority. The report says so.
struct SignatureCheck {
    let source: any ContentProvider
    let limits: ImageLimits
    let keys: [VerificationKey]
    let requirement: SignatureRequirement
    /// `--trust-policy` and `--trust-store`: Notation signatures are checked against them.
    var notation: NotationTrust? = nil
    /// The repository the Notation policy is chosen by (``NotationScope``), when known.
    var notationRepository: String? = nil

    /// The Notation policy for this image, and whether it requires a signature: every level
    /// but skip does, as notation does (audit only stops an untrusted signer from failing it).
    private var notationPolicy: TrustPolicy? { notation?.policy(for: notationRepository) }
    private var notationRequires: Bool {
        guard notation != nil else { return false }
        return notationPolicy?.skipsVerification != true
    }

    /// The report, with a `signature` problem put on each result whose manifest the
    /// requirement names and no given key signed, and on each signature manifest whose
    /// valid signature is attached to another manifest than its payload names.
    func run(_ records: inout [ArtifactRecord], results: inout [DescriptorResult]) -> SignatureReport {
        let images = imageResults(results)
        // `cosign save` lists its signatures beside the one image they sign, with no tag or
        // subject: they are that image's.
        let imageDigests = Set(images.map { results[$0].digest })
        if imageDigests.count == 1, let only = imageDigests.first ?? nil {
            for i in records.indices where records[i].artifact.subject == nil && records[i].artifact.recognisedBy == "cosign save kind" {
                records[i].artifact = records[i].artifact.attached(to: only)
                results[records[i].result].artifact = records[i].artifact
            }
        }
        // Artifacts included: a signature may sign an attestation.
        let inImage = Set(results.filter { $0.kind == .manifest || $0.kind == .index }.compactMap(\.digest))

        var reader = DocumentReader(source: source, limits: limits)
        var signatures: [SignatureResult] = []
        for record in records where record.artifact.kind == .signature {
            for (position, layer) in record.manifest.layers.enumerated() {
                var signature = check(layer, at: position, of: record, reader: &reader)
                if let signs = signature.signs, !inImage.contains(signs) {
                    signature.notes.append("signs \(signs), which is not in this image")
                }
                if signature.integrityFailed, notationPolicy?.level == "audit" {
                    // Audit logs who signed, but a signature that is not one is still a failure.
                    results[record.result].fail(Problem(.signature, message: "\(signature.path.last ?? "signature"): \(signature.problems.joined(separator: "; "))"))
                } else if signature.misplaced, let key = signature.key {
                    // A signature a trusted key made, attached where its payload says it is
                    // not: moved or replayed. Not a pass, and not ignorable either.
                    results[record.result].fail(Problem(.signature, message: "\(signature.path.last ?? "signature") is signed by \(key) but \(signature.problems.joined(separator: "; "))"))
                }
                signatures.append(signature)
            }
        }

        var requirements: [SignatureRequirementResult] = []
        if !keys.isEmpty || notationRequires {
            // By the manifest they sign: a wide image has a signature per platform.
            var attached: [Digest: Int] = [:]
            var verifiedKeys: [Digest: [String]] = [:]
            for signature in signatures {
                guard let signs = signature.signs else { continue }
                attached[signs, default: 0] += 1
                // A Notation signature whose only failure is one its policy logs (an untrusted
                // signer under audit) meets the requirement: its key did sign.
                let counts = signature.status == .verified || (signature.authenticityLogged && !signature.integrityFailed)
                if counts, let key = signature.key, !(verifiedKeys[signs] ?? []).contains(key) {
                    verifiedKeys[signs, default: []].append(key)
                }
            }
            var seen = Set<Digest>()
            var targets = images
            if requirement == .everyPlatform {
                targets += results.indices.filter {
                    results[$0].kind == .manifest && results[$0].artifact == nil && results[$0].platform != nil && results[$0].sameAs == nil
                }
            }
            for index in targets {
                guard let digest = results[index].digest else {
                    // A docker save of Docker ≤ 24 stores no manifest: no digest to sign, so
                    // nothing here can carry a signature. Never a silent pass.
                    results[index].fail(Problem(.signature, message: "no manifest is stored (docker save of Docker ≤ 24): there is nothing a signature could sign; save with Docker 25+ or use an OCI layout"))
                    continue
                }
                guard seen.insert(digest).inserted else { continue }
                let verifiedBy = verifiedKeys[digest] ?? []
                requirements.append(SignatureRequirementResult(path: results[index].path, digest: digest, verifiedBy: verifiedBy))
                if verifiedBy.isEmpty {
                    let found = attached[digest] ?? 0
                    let what = found == 0 ? "no signature is attached to it" : "\(counted(found, "signature")) attached, none valid"
                    results[index].fail(Problem(.signature, expected: "a signature by \(trustedSigners)",
                                                message: "no valid signature from \(trustedWords): \(what)"))
                }
            }
        }
        var notes = keys.isEmpty ? [] : SignatureReport.offlineNotes
        if let notation {
            if let policy = notationPolicy {
                // Which scope chose it: the input's repository, or "*" (a file that names none).
                let matched = policy.registryScopes == ["*"]
                    ? "by registryScopes [\"*\"] (\(notationRepository.map { "no policy names \($0)" } ?? "this input names no repository"))"
                    : "to \(notationRepository ?? "this input") by its registryScopes"
                notes.append("Notation trust policy \(policy.name) (level \(policy.level)) applies \(matched); revocation (OCSP, CRL) is not checked offline")
            } else {
                notes.append("no trust policy in \(notation.policyFile) applies to this image (a layout or archive matches only registryScopes [\"*\"])")
            }
        }
        return SignatureReport(keys: keys, requirement: requirement,
                               signatures: signatures, requirements: requirements,
                               notes: notes, trustPolicy: notation.map { trust in notationPolicy.map { "\($0.name) in \(trust.policyFile)" } ?? trust.policyFile })
    }

    /// Whom the requirement trusts, in the words of its failure.
    private var trustedWords: String {
        switch (keys.isEmpty, notation == nil) {
        case (false, true): "the given keys"
        case (true, false): "a signer the trust policy trusts"
        default: "the given keys or a signer the trust policy trusts"
        }
    }

    /// Who may sign, for the requirement's words: the keys, the Notation policy.
    private var trustedSigners: String {
        var signers = keys.map(\.name)
        if let notation { signers.append("a signer trusted by \(notationPolicy.map { "policy \($0.name)" } ?? notation.policyFile)") }
        return signers.joined(separator: " or ")
    }

    /// Each image's top document: what index.json lists, artifacts aside; in a docker save
    /// without index.json, what manifest.json lists (a Docker 25+ save's manifest.json names
    /// the same images as its index.json: not twice).
    private func imageResults(_ results: [DescriptorResult]) -> [Int] {
        let tops = results.indices.filter {
            results[$0].path.count == 2 && results[$0].artifact == nil && (results[$0].kind == .manifest || results[$0].kind == .index)
        }
        let fromIndex = tops.filter { results[$0].path[0] == ContentRoot.index.name }
        return fromIndex.isEmpty ? tops : fromIndex
    }

    /// One layer of a signature manifest.
    private func check(_ layer: Descriptor, at position: Int, of record: ArtifactRecord, reader: inout DocumentReader) -> SignatureResult {
        let annotations = layer.annotations ?? [:]
        var result = SignatureResult(path: record.path + ["layers[\(position)]"], artifactDigest: record.digest,
                                     signs: record.artifact.subject, payloadDigest: nil, format: "cosign", status: .unchecked)
        if layer.mediaType == NotationEnvelope.mediaType || layer.mediaType == NotationEnvelope.coseMediaType {
            return checkNotation(layer, of: record, result: result, reader: &reader)
        }
        if layer.mediaType.hasPrefix(SigstoreBundle.mediaTypePrefix) {
            return checkBundle(layer, result: result, reader: &reader)
        }
        guard layer.mediaType == ImageGraphRules.cosignSimpleSigning else {
            result.format = layer.mediaType
            result.notes.append("signature format \(layer.mediaType) is not checked (cosign simple signing and Sigstore bundles are)")
            return result
        }
        if annotations["dev.sigstore.cosign/bundle"] != nil {
            result.notes.append("its Rekor bundle is not checked (the transparency log is not consulted)")
        }
        let keyless = annotations["dev.sigstore.cosign/certificate"] != nil
        if keyless { result.notes.append("keyless (Fulcio certificate): unverifiable offline without a trust root") }
        guard !keys.isEmpty else {
            result.notes.append("not checked: no --key given")
            return result
        }

        var payload: [UInt8]?
        switch reader.read(layer) {
        case .read(let bytes):
            payload = bytes
            do {
                let parsed = try CosignPayload(bytes: bytes)
                result.payloadDigest = parsed.manifestDigest
                if result.signs == nil { result.signs = parsed.manifestDigest }
                if let subject = record.artifact.subject, parsed.manifestDigest != subject {
                    result.problems.append("its payload names \(parsed.manifestDigest), not \(subject), the manifest it is attached to")
                    result.misplaced = true
                }
            } catch {
                result.problems.append(asManifoldError(error).message)
            }
        case let unread:
            result.problems.append(Self.unread(unread, layer, what: "payload") ?? "payload unreadable")
        }

        var signature: [UInt8]?
        if let text = annotations[ImageGraphRules.cosignSignatureAnnotation] {
            signature = Base64.decode(text)
            if signature == nil { result.problems.append("the \(ImageGraphRules.cosignSignatureAnnotation) annotation is not base64") }
        } else {
            result.problems.append("no \(ImageGraphRules.cosignSignatureAnnotation) annotation")
        }
        if let payload, let signature {
            for key in keys {
                if let scheme = key.verify(signature: signature, over: payload) {
                    result.key = key.name
                    result.scheme = scheme.rawValue
                    break
                }
            }
            if result.key == nil {
                let tried = keys.map(\.name).joined(separator: ", ")
                result.problems.insert("not signed by any given key (tried \(tried))" + (keyless ? "; a keyless signature needs a trust root" : ""), at: 0)
            }
        }
        result.status = result.problems.isEmpty && result.key != nil ? .verified : .failed
        return result
    }

    /// The words for a signature blob that could not be read as its descriptor says, or nil.
    private static func unread(_ outcome: DocumentReader.Outcome, _ layer: Descriptor, what: String) -> String? {
        switch outcome {
        case .read: nil
        case .absent: "\(what) blob \(layer.digest.abbreviated)… is absent"
        case .unverifiable: "\(what) digest algorithm \(layer.digest.algorithm) cannot be computed"
        case .failed(let problems): "\(what) blob does not match its descriptor: " + problems.map(\.message).joined(separator: "; ")
        }
    }

    /// A cosign v3 Sigstore bundle layer: the DSSE envelope's signature over its PAE, by a
    /// given key; its in-toto statement must be cosign's signing predicate and name the
    /// manifest the bundle is attached to.
    private func checkBundle(_ layer: Descriptor, result: SignatureResult, reader: inout DocumentReader) -> SignatureResult {
        var result = result
        result.format = "sigstore-bundle"
        guard !keys.isEmpty else {
            result.notes.append("not checked: no --key given")
            return result
        }
        let outcome = reader.read(layer)
        guard case .read(let bytes) = outcome else {
            result.problems.append(Self.unread(outcome, layer, what: "bundle") ?? "bundle unreadable")
            result.status = .failed
            return result
        }
        let bundle: SigstoreBundle
        do {
            bundle = try SigstoreBundle(bytes: bytes)
        } catch {
            result.problems.append(asManifoldError(error).message)
            result.status = .failed
            return result
        }
        if bundle.hasTransparencyLogEntries { result.notes.append("its transparency-log entries are not checked (Rekor is not consulted)") }
        if bundle.isKeyless { result.notes.append("keyless (Fulcio certificate): unverifiable offline without a trust root") }
        guard let envelope = bundle.envelope else {
            result.notes.append("a message-signature bundle: not checked (DSSE envelopes are)")
            return result
        }
        for signature in envelope.signatures where result.key == nil {
            for key in keys {
                if let scheme = key.verify(signature: signature, over: envelope.pae) {
                    result.key = key.name
                    result.scheme = scheme.rawValue
                    break
                }
            }
        }
        if result.key == nil {
            let tried = keys.map(\.name).joined(separator: ", ")
            result.problems.append("not signed by any given key (tried \(tried))" + (bundle.isKeyless ? "; a keyless signature needs a trust root" : ""))
        }
        if envelope.payloadType != InTotoStatement.payloadType {
            result.problems.append("its envelope's payloadType is \(quoted(envelope.payloadType)), not \(InTotoStatement.payloadType)")
        } else {
            do {
                let statement = try InTotoStatement(bytes: envelope.payload)
                result.payloadDigest = statement.subjects.first
                if statement.predicateType != InTotoStatement.cosignSignPredicate {
                    result.problems.append("its statement is an attestation (predicateType \(statement.predicateType)), not an image signature")
                } else if let subject = result.signs {
                    if !statement.subjects.contains(subject) {
                        let named = statement.subjects.map(\.description).joined(separator: ", ")
                        result.problems.append("its statement names \(named.isEmpty ? "no sha256 subject" : named), not \(subject), the manifest it is attached to")
                        result.misplaced = true
                    }
                } else {
                    result.signs = statement.subjects.first
                }
            } catch {
                result.problems.append(asManifoldError(error).message)
            }
        }
        result.status = result.problems.isEmpty && result.key != nil ? .verified : .failed
        return result
    }

    /// A Notation signature layer: JWS checked against the trust policy; COSE reported
    /// unsupported, never passed.
    private func checkNotation(_ layer: Descriptor, of record: ArtifactRecord, result: SignatureResult, reader: inout DocumentReader) -> SignatureResult {
        var result = result
        guard layer.mediaType == NotationEnvelope.mediaType else {
            result.format = "notation-cose"
            if notation != nil {
                result.problems.append("COSE signature envelopes (application/cose) are not supported: not verified")
                result.status = .failed
            } else {
                result.notes.append("COSE signature envelopes are not supported")
            }
            return result
        }
        guard let notation else {
            result.format = "notation-jws"
            result.notes.append("not checked: no --trust-policy given")
            return result
        }
        let outcome = reader.read(layer)
        guard case .read(let bytes) = outcome else {
            result.format = "notation-jws"
            result.problems.append(Self.unread(outcome, layer, what: "envelope") ?? "envelope unreadable")
            result.status = .failed
            return result
        }
        let check = NotationCheck(trust: notation, repository: notationRepository)
        return check.check(bytes, subject: record.manifest.subject, result: result)
    }
}
