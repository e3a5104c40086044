extension OpenFile {
    /// The whole of a small regular file (a key, a certificate, a trust policy), read from
    /// the start up to the size `fstat` gave at open: fewer bytes if it shrank meanwhile,
    /// never more. The caller has checked `isRegular` and that `size` is within its limit.
    package func readWhole() throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var filled = 0
        while filled < bytes.count {
            let count = try bytes.withUnsafeMutableBytes { buffer in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), at: UInt64(filled))
            }
            if count == 0 { break }
            filled += count
        }
        return Array(bytes[..<filled])
    }
}
