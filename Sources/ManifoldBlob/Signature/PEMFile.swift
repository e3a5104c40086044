/// Reading a PEM key file, with the same words for public and private keys: a key file is a
/// few hundred bytes, so anything but a small regular file is refused before it is read.
enum PEMFile {
    /// A key file is a few hundred bytes; more is not a key.
    static let maximumSize = 64 * 1024

    /// The bytes of the key file at `path`; `what` names the key in messages
    /// ("PEM public key").
    static func read(_ path: String, what: String) throws -> [UInt8] {
        let file: OpenFile
        do {
            file = try OpenFile(path: path)
        } catch let error as ManifoldError {
            throw ManifoldError(error.code, "key \(path): \(error.message)")
        }
        guard file.isRegular else {
            throw ManifoldError(.invalidArgument, "\(path): is \(file.typeDescription), not a \(what) file")
        }
        guard file.size <= UInt64(maximumSize) else {
            throw ManifoldError(.invalidArgument, "\(path): \(file.size) bytes is too large for a \(what)")
        }
        do {
            return try file.readWhole()
        } catch let error as ManifoldError {
            throw ManifoldError(error.code, "key \(path): \(error.message)")
        }
    }
}
