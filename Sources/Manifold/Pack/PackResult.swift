/// What `pack` wrote.
public struct PackResult: Sendable {
    public struct Entry: Sendable {
        public let platform: Platform?
        public let descriptor: Descriptor
        /// The input it came from, as given.
        public let origin: String
        public let isAttestation: Bool
        /// Its name in index.json (`--flat` only).
        public let tag: String?
    }

    public let output: String
    public let format: PackOptions.Format
    /// The index written (nil with --flat, where index.json lists the entries itself).
    public let index: Descriptor?
    public let entries: [Entry]
    /// Distinct blobs in the output, and their bytes.
    public let blobCount: Int
    public let byteCount: UInt64
    /// Blobs placed by reflink or hard link (with --link), by method.
    public let linked: [LinkMethod: Int]
    /// Things left out or worth knowing (absent foreign layers, sparse platforms).
    public let notes: [String]
    public let seconds: Double
}
