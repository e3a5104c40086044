// https://github.com/opencontainers/image-spec/blob/main/descriptor.md
// https://github.com/opencontainers/image-spec/blob/main/schema/defs-descriptor.json

extension Descriptor {
    /// The rules the image-spec's descriptor schema states beyond the JSON types, checked as
    /// the descriptor is decoded so that no command ever holds one that breaks them:
    /// `mediaType` and `artifactType` follow RFC 6838's grammar, every `urls` entry is a URI
    /// (RFC 3986), and `data` is standard padded base64 (the reference validator decodes it
    /// with Go's `encoding/base64`). Whether `data` matches the digest is a content question,
    /// answered where the content is checked.
    func checkSchema(context: String) throws {
        try MediaType.checkGrammar(mediaType, field: "\(context).mediaType")
        try MediaType.checkGrammar(artifactType, field: "\(context).artifactType")
        try URI.checkURLs(urls, field: "\(context).urls")
        if let data, Base64.decode(data) == nil {
            throw ManifoldError(.invalidDocument, "\(context).data: not valid base64 (standard alphabet, padded to a multiple of 4)")
        }
    }
}
