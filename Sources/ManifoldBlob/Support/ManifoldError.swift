/// The one error type the library throws.
///
/// Every error carries a ``Code`` a program can switch on, a message a person can read
/// (what was expected and what was found), an optional underlying cause and the place in
/// the library that raised it.
public struct ManifoldError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum, so codes can be added
    /// without breaking clients that switch over them with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidDigest, unsupportedAlgorithm, unreadable, unwritable, invalidArgument
            case truncated, checksumMismatch, lengthMismatch, trailingData, corruptData
            case limitExceeded, sizeMismatch, digestMismatch, internalFailure
            case invalidDocument, invalidLayout, unsupportedFormat, ambiguousArchive, absent
            case outputExists
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A string is not a digest in the OCI grammar, or not valid for its algorithm.
        public static let invalidDigest = Code(.invalidDigest)
        /// A digest is grammatical but its algorithm cannot be computed here.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// A file could not be opened or read.
        public static let unreadable = Code(.unreadable)
        /// An output could not be created, written or renamed into place (a full disk, a
        /// directory without write permission, a closed pipe).
        public static let unwritable = Code(.unwritable)
        /// A caller passed a value the API cannot use (a bad limit, for example).
        public static let invalidArgument = Code(.invalidArgument)
        /// A compressed stream ended before its end: in a header, in the data or in a trailer.
        public static let truncated = Code(.truncated)
        /// A checksum inside a compressed stream (gzip CRC-32, zstd XXH64) does not match its data.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A gzip member's ISIZE does not match the length of its data.
        public static let lengthMismatch = Code(.lengthMismatch)
        /// Bytes follow the last member or frame and are not another member or frame.
        public static let trailingData = Code(.trailingData)
        /// A compressed stream is malformed: a bad header, an invalid block.
        public static let corruptData = Code(.corruptData)
        /// Input asks for more than a configured limit allows (a zstd window, for example).
        public static let limitExceeded = Code(.limitExceeded)
        /// A blob's byte count differs from what its descriptor declares.
        public static let sizeMismatch = Code(.sizeMismatch)
        /// A blob's digest differs from what its descriptor declares.
        public static let digestMismatch = Code(.digestMismatch)
        /// A C library failed in a way input cannot cause (allocation, for example).
        public static let internalFailure = Code(.internalFailure)
        /// A JSON document (index, manifest, config) is malformed or breaks a spec rule.
        public static let invalidDocument = Code(.invalidDocument)
        /// The image's container is not a valid OCI layout or docker-save archive: a missing
        /// or malformed `oci-layout`/`index.json`/`manifest.json`, a path leaving the archive.
        public static let invalidLayout = Code(.invalidLayout)
        /// The input is a format manifold does not handle (Docker schema 1, an unknown file).
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// An archive holds the same path twice, so readers could disagree on its content.
        public static let ambiguousArchive = Code(.ambiguousArchive)
        /// A blob a descriptor names is not in the image.
        public static let absent = Code(.absent)
        /// An output already exists and was not to be replaced (`--force` not given).
        public static let outputExists = Code(.outputExists)

        /// True for the codes that mean "the content is not what it claims to be", as opposed
        /// to "the content could not be read or used".
        public var isContentFailure: Bool {
            switch value {
            case .truncated, .checksumMismatch, .lengthMismatch, .trailingData, .corruptData,
                 .limitExceeded, .sizeMismatch, .digestMismatch, .invalidDocument, .absent:
                return true
            case .invalidDigest, .unsupportedAlgorithm, .unreadable, .unwritable, .invalidArgument,
                 .internalFailure, .invalidLayout, .unsupportedFormat, .ambiguousArchive, .outputExists:
                return false
            }
        }

        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ message: String, cause: (any Error & Sendable)? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    /// The message, followed by the cause's description when there is one.
    public var description: String {
        guard let cause, !message.contains("\(cause)") else { return message }
        return "\(message): \(cause)"
    }

    /// One error for several inputs' errors: the first content failure if there is one, so
    /// that "content is not what it claims" is never hidden behind another input's "could not
    /// be used", else the first error; its message lists every error, one per line.
    public static func worstOf(_ errors: [ManifoldError]) -> ManifoldError? {
        guard let worst = errors.first(where: { $0.code.isContentFailure }) ?? errors.first else { return nil }
        guard errors.count > 1 else { return worst }
        let others = errors.filter { $0.message != worst.message }.map(\.message)
        return ManifoldError(worst.code, ([worst.message] + others).joined(separator: "\n"), cause: worst.cause,
                             file: worst.file, line: worst.line)
    }

    /// The same error with `context` put in front of its message ("gzip member 2: …").
    public func prefixed(_ context: String) -> ManifoldError {
        ManifoldError(code, "\(context): \(message)", cause: cause, file: file, line: line)
    }
}
