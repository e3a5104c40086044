/// Opens an image from a path, recognising its container.
public enum LocalContent {
    /// The provider for the OCI layout directory, oci-archive or docker-save tar at `path`.
    public static func open(_ path: String, limits: ImageLimits = ImageLimits()) throws -> any ContentProvider {
        let file: OpenFile
        do {
            file = try OpenFile(path: path, allowingDirectory: true)
        } catch let error as ManifoldError {
            throw error.prefixed(path)
        }
        if file.isDirectory {
            return try OCILayoutDirectory(path: path, directory: file)
        }
        guard file.isRegular else {
            throw ManifoldError(.unsupportedFormat, "\(path) is \(file.typeDescription), not an image directory or tar")
        }
        var magic = [UInt8](repeating: 0, count: 4)
        let count = try magic.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        if Compression.sniff(Array(magic.prefix(count))) != .plain {
            throw ManifoldError(
                .unsupportedFormat,
                "\(path) is \(Compression.sniff(magic))-compressed; image archives are plain tars (decompress it first, e.g. gunzip)")
        }
        let index: TarIndex
        do {
            index = try TarIndex(file: file, maxEntries: limits.tarEntries)
        } catch let error as ManifoldError where error.code == .invalidLayout && error.message.hasPrefix("not a tar") {
            throw ManifoldError(.unsupportedFormat, "\(path) is not an OCI layout directory, an oci-archive or a docker-save tar (\(error.message))")
        }
        return try TarImageSource(path: path, index: index)
    }
}
