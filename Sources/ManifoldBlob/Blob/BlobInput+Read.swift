extension BlobInput {
    /// The first `count` bytes of the input, or all of it when it is shorter: a document read
    /// whole, or a prefix to sniff. A file is read with `pread` into the result; a provider's
    /// chunks are appended as they come, and the stream is not read past `count` bytes.
    package func read(upTo count: Int) throws -> [UInt8] {
        if case .stream(let write) = kind {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            do {
                try write { chunk in
                    bytes += chunk.prefix(count - bytes.count)
                    if bytes.count >= count { throw StreamStop() }
                }
            } catch is StreamStop {}
            return bytes
        }
        guard case .chunks(let open) = kind else {
            let reader = try BlobReader(self)
            var bytes = [UInt8](repeating: 0, count: count)
            let got = try bytes.withUnsafeMutableBytes { try reader.read(into: $0) }
            bytes.removeSubrange(got...)
            return bytes
        }
        var iterator = try open()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count, let chunk = try iterator.nextChunk() {
            bytes += chunk.prefix(count - bytes.count)
        }
        return bytes
    }

    /// The open file when the input is all of a regular file (a layout directory's blob), which
    /// a sink can link instead of copying.
    package var wholeRegularFile: OpenFile? {
        guard case .region(let file, let offset, let length) = kind, offset == 0, length == file.size, file.isRegular else {
            return nil
        }
        return file
    }
}
