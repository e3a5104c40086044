/// A streaming decompressor: compressed bytes in, decompressed bytes out, in any chunking.
///
/// Feed input with ``decompress(_:into:)`` until the input is consumed and a call leaves room
/// in `output` (a full `output` means more may be pending); after the last input, drain with
/// empty input the same way, then call ``finish()``, which throws if the stream is incomplete.
/// The output is the same whatever the chunking of the input. A decompressor is used by one
/// thread at a time and is not reusable after an error.
///
/// Get one from ``Compression/makeDecompressor(gzipBackend:limits:)``: the backends behind
/// it (ISA-L, zlib, libzstd) are internal, as swift-crypto keeps BoringSSL out of its API.
public protocol Decompressor: AnyObject {
    /// Decompresses from the front of `input`, advancing it past what was consumed, into
    /// `output`. Returns the number of bytes written to `output`.
    func decompress(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws -> Int

    /// Declares the end of input; throws ``ManifoldError/Code/truncated`` when the stream
    /// stopped inside a member or frame.
    func finish() throws

    /// Compressed bytes consumed so far; error messages quote it as an offset.
    var bytesIn: UInt64 { get }
}

extension Decompressor {
    /// Feeds one chunk of input and hands every run of output to `sink`, using `scratch` as
    /// the output buffer.
    public func feed(
        _ chunk: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer,
        sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var input = chunk
        while true {
            let produced = try decompress(&input, into: scratch)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: scratch[..<produced])) }
            if input.isEmpty && produced < scratch.count { return }
        }
    }

    /// Drains pending output into `sink`, then checks the stream is complete.
    public func end(
        scratch: UnsafeMutableRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try feed(UnsafeRawBufferPointer(start: nil, count: 0), scratch: scratch, sink: sink)
        try finish()
    }

    /// Decompresses a whole buffer at once. For small inputs and tests; streams use ``feed``.
    public func decompressAll(_ data: [UInt8], scratchSize: Int = 64 << 10) throws -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchSize, alignment: 64)
        defer { scratch.deallocate() }
        var output = [UInt8]()
        let append = { (run: UnsafeRawBufferPointer) throws in output.append(contentsOf: run) }
        try data.withUnsafeBytes { (bytes) throws in
            try feed(bytes, scratch: scratch, sink: append)
        }
        try end(scratch: scratch, sink: append)
        return output
    }
}
