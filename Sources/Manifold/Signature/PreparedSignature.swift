/// A signature ``ImageSigner`` made, before it is written: the same for a layout and an
/// archive.
struct PreparedSignature {
    /// The payload and the signature manifest's config, with their bytes.
    let blobs: [(Descriptor, [UInt8])]
    /// The signature manifest and its exact bytes.
    let manifest: Descriptor
    let manifestBytes: [UInt8]
    /// What the run reports once it is written.
    let result: SignResult
}
