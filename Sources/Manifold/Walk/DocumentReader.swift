/// Reads index, manifest and config blobs for every command through a ``ContentProvider``,
/// with one set of rules: the declared size is within the document limit, the bytes have
/// exactly the declared size and digest (a descriptor's embedded `data` stands in for an
/// absent blob when it matches), and only then are the bytes handed out, to be decoded.
/// Documents are cached by digest. Providers need check none of this.
struct DocumentReader {
    enum Outcome {
        case read([UInt8])
        /// Not in the image and no embedded data.
        case absent
        /// The digest's algorithm cannot be computed.
        case unverifiable
        /// Read, but not what the descriptor says (or unreadable).
        case failed([Problem])
    }

    let source: any ContentProvider
    let limits: ImageLimits
    private var cache: [Digest: [UInt8]] = [:]
    /// Configs decoded, by digest: many manifests may share one, decoded once for all.
    private var configs: [Digest: Result<ImageConfig, ManifoldError>] = [:]
    /// Bytes and count of distinct documents read from the image.
    private(set) var bytesRead: UInt64 = 0
    private(set) var documentsRead = 0

    init(source: any ContentProvider, limits: ImageLimits) {
        self.source = source
        self.limits = limits
    }

    mutating func read(_ descriptor: Descriptor) -> Outcome {
        guard descriptor.digest.isVerifiable else { return .unverifiable }
        if let cached = cache[descriptor.digest] {
            guard Int64(cached.count) == descriptor.size else { return .failed([sizeProblem(descriptor, cached.count)]) }
            return .read(cached)
        }
        guard descriptor.size <= Int64(limits.documentSize) else {
            return .failed([Problem(.document, expected: "≤ \(limits.documentSize)", actual: "\(descriptor.size)",
                                    message: "declared size \(descriptor.size) is above the \(limits.documentSize)-byte document limit; not read")])
        }
        var problems: [Problem] = []
        let embedded = Self.embeddedData(descriptor, problems: &problems)
        guard problems.isEmpty else { return .failed(problems) }
        let bytes: [UInt8]
        do {
            // Capped at the document limit, so no provider can make a document cost more.
            guard let read = try source.document(descriptor, limit: limits.documentSize) else {
                if let embedded {
                    cache[descriptor.digest] = embedded
                    return .read(embedded)
                }
                return .absent
            }
            guard read.count == Int(descriptor.size) else {
                return .failed([sizeProblem(descriptor, read.count)])
            }
            bytes = read
        } catch {
            return .failed([layoutProblem(error)])
        }
        bytesRead += UInt64(bytes.count)
        documentsRead += 1
        do {
            let actual = try DigestHasher.digest(of: bytes, algorithm: descriptor.digest.algorithm)
            guard actual == descriptor.digest else {
                return .failed([Problem(.digest, expected: "\(descriptor.digest)", actual: "\(actual)",
                                        message: "digest mismatch: expected \(descriptor.digest), got \(actual)")])
            }
        } catch {
            return .failed([layoutProblem(error)])
        }
        cache[descriptor.digest] = bytes
        return .read(bytes)
    }

    /// The config `descriptor` names, decoded from `bytes` (what ``read(_:)`` returned for
    /// it) once per digest, however many manifests share it; or why it cannot be decoded.
    mutating func decodeConfig(_ descriptor: Descriptor, bytes: [UInt8]) -> Result<ImageConfig, ManifoldError> {
        if let known = configs[descriptor.digest] { return known }
        let decoded = Result { try ImageConfig(json: JSONParser.parse(bytes)) }.mapError(asManifoldError)
        configs[descriptor.digest] = decoded
        return decoded
    }

    /// The error for a document that could not be read, naming `what` (for pack and inspect,
    /// which stop at the first problem).
    static func error(_ outcome: Outcome, _ descriptor: Descriptor, what: String, location: String) -> ManifoldError {
        switch outcome {
        case .read:
            return ManifoldError(.internalFailure, "\(what) \(descriptor.digest.abbreviated)…: read, yet refused")
        case .absent:
            return ManifoldError(.absent, "\(what) \(descriptor.digest.abbreviated)…: blob is absent from \(location)")
        case .unverifiable:
            return ManifoldError(.unsupportedAlgorithm, "\(what): digest algorithm \(descriptor.digest.algorithm) cannot be computed")
        case .failed(let problems):
            let code: ManifoldError.Code = switch problems.first?.kind {
            case .size?: .sizeMismatch
            case .digest?, .data?: .digestMismatch
            case .layout?: .invalidLayout
            case .unreadable?: .unreadable
            default: .invalidDocument
            }
            return ManifoldError(code, "\(what) \(descriptor.digest.abbreviated)…: " + problems.map(\.message).joined(separator: "; "))
        }
    }

    /// A descriptor's `data`, when it is valid base64 of exactly the content it names.
    static func embeddedData(_ descriptor: Descriptor, problems: inout [Problem]) -> [UInt8]? {
        guard descriptor.data != nil else { return nil }
        do {
            guard let bytes = try descriptor.decodedData() else { return nil }
            let digest = try DigestHasher.digest(of: bytes, algorithm: descriptor.digest.algorithm)
            guard Int64(bytes.count) == descriptor.size, digest == descriptor.digest else {
                problems.append(Problem(.data, expected: "\(descriptor.digest)", actual: "\(digest)",
                                        message: "embedded data does not match the descriptor: \(bytes.count) bytes with digest \(digest)"))
                return nil
            }
            return bytes
        } catch {
            problems.append(Problem(.data, message: "embedded data is not valid base64"))
            return nil
        }
    }

    private func sizeProblem(_ descriptor: Descriptor, _ actual: Int) -> Problem {
        Problem(.size, expected: "\(descriptor.size)", actual: "\(actual)",
                message: "size mismatch: expected \(descriptor.size) bytes, got \(actual)")
    }
}
