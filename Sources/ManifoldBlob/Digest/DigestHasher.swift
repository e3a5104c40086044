internal import COpenSSL

/// A streaming hash of bytes, producing a ``Digest``.
///
/// A `DigestHasher` is a value: copying it forks the hash state, so two copies can be fed
/// different bytes. The OpenSSL context behind it is freed when the last copy goes away.
/// (Named so that it does not shadow `Swift.Hasher` in code that writes `hash(into:)`.)
public struct DigestHasher: Sendable {
    public let algorithm: DigestAlgorithm
    private var context: EVPContext

    /// A fresh hasher for a verifiable algorithm (``DigestAlgorithm/isVerifiable``).
    public init(_ algorithm: DigestAlgorithm) throws {
        self.algorithm = algorithm
        self.context = try EVPContext(algorithm)
    }

    /// Adds the bytes at `bufferPointer` to the hash.
    public mutating func update(bufferPointer: UnsafeRawBufferPointer) throws {
        if !isKnownUniquelyReferenced(&context) {
            context = try context.copy()
        }
        try context.update(bufferPointer)
    }

    /// Adds `data` to the hash.
    public mutating func update(data: some Collection<UInt8>) throws {
        let done: Void?? = try data.withContiguousStorageIfAvailable { buffer throws in
            try update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            try Array(data).withUnsafeBytes { buffer throws in try update(bufferPointer: buffer) }
        }
    }

    /// The digest of everything added so far. The hasher can go on being updated.
    public func finalize() throws -> Digest {
        try context.copy().finalize(algorithm)
    }

    /// The digest of `bytes`, in one call.
    public static func digest(of bytes: some Collection<UInt8>, algorithm: DigestAlgorithm = .sha256)
        throws -> Digest
    {
        var hasher = try DigestHasher(algorithm)
        try hasher.update(data: bytes)
        return try hasher.finalize()
    }
}

/// Owns one `EVP_MD_CTX`.
///
/// `@unchecked Sendable`: the context is only mutated through a `DigestHasher` that holds the
/// sole reference (copy-on-write above), so no two threads touch one context at once.
private final class EVPContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ algorithm: DigestAlgorithm) throws {
        let md: OpaquePointer?
        switch algorithm {
        case .sha256: md = EVP_sha256()
        case .sha512: md = EVP_sha512()
        default:
            throw ManifoldError(.unsupportedAlgorithm, "digest algorithm \(algorithm) is not supported (only sha256 and sha512)")
        }
        guard let context = EVP_MD_CTX_new() else {
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_MD_CTX_new failed")
        }
        guard EVP_DigestInit_ex(context, md, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_DigestInit_ex(\(algorithm)) failed: \(openSSLErrorText())")
        }
        pointer = context
    }

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_MD_CTX_free(pointer) }

    func copy() throws -> EVPContext {
        guard let copy = EVP_MD_CTX_new() else {
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_MD_CTX_new failed")
        }
        guard EVP_MD_CTX_copy_ex(copy, pointer) == 1 else {
            EVP_MD_CTX_free(copy)
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_MD_CTX_copy_ex failed: \(openSSLErrorText())")
        }
        return EVPContext(pointer: copy)
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count) == 1 else {
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_DigestUpdate failed: \(openSSLErrorText())")
        }
    }

    func finalize(_ algorithm: DigestAlgorithm) throws -> Digest {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(pointer, $0.baseAddress, &length) }
        guard ok == 1, Int(length) == algorithm.byteCount else {
            throw ManifoldError(.internalFailure, "OpenSSL: EVP_DigestFinal_ex failed: \(openSSLErrorText())")
        }
        return Digest(algorithm: algorithm, hashBytes: output[..<Int(length)])
    }
}

private func openSSLErrorText() -> String {
    let code = ERR_get_error()
    guard code != 0 else { return "no error queued" }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
