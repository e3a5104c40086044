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

    /// The input with a deferred file opened (a region of all of it); any other input as it
    /// is. Readers that prefix errors with the input's name open it first: the opener's
    /// errors name the file already, in the words the provider would have used.
    package func opened() throws -> BlobInput {
        guard case .deferred(let open) = kind else { return self }
        let file = try open()
        return BlobInput(kind: .region(file, offset: 0, length: file.size), name: name)
    }

    /// The open file when the input is all of a regular file (a layout directory's blob), which
    /// a sink can link instead of copying.
    package var wholeRegularFile: OpenFile? {
        if case .deferred(let open) = kind, let file = try? open(), file.isRegular { return file }
        guard case .region(let file, let offset, let length) = kind, offset == 0, length == file.size, file.isRegular else {
            return nil
        }
        return file
    }
}
