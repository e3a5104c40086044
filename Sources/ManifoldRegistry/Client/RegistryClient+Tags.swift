// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
// https://www.rfc-editor.org/rfc/rfc8288 (Link: <target>; rel="next")

import Manifold

extension RegistryClient {
    /// The most pages one listing follows.
    package static let maxTagPages = 10_000
    /// The most distinct tags one listing keeps by default (`--max-tags`): a hundred times
    /// the largest public repositories, and at most 128 bytes each (the grammar's bound).
    package static let defaultMaxTags = 1_000_000
    /// The most bytes of pages one listing reads in all: a registry repeating the same tags
    /// over 10,000 pages of 4 MiB must not be read for 40 GB.
    package static let maxTagListBytes = 256 << 20

    /// Every tag of `repository`, sorted and without duplicates. The first page is asked for
    /// without `n`, so the registry pages as it likes; pages are followed by the
    /// `Link: <…>; rel="next"` header, which carries the registry's `n` and `last` (on the
    /// registry's own host and scheme only; a page asked for twice is a loop, an error).
    ///
    /// Memory is bounded by what is kept: the names (at most `maxTags`, each a grammatical
    /// tag of at most 128 bytes) and a digest of each page's URL; a page's body is dropped
    /// once its names are taken. More than `maxTags` distinct tags, or more than
    /// ``maxTagListBytes`` of pages, is an error naming the cap.
    package func tags(_ repository: RepositoryReference, maxTags: Int = defaultMaxTags) throws -> [String] {
        let first = "/v2/\(repository.path)/tags/list"
        let base = try URLParts(try baseURL() + "/v2/")
        var next: URLParts? = try base.resolving(first)
        var visited: Set<Digest> = []
        var tags: Set<String> = []
        var bytesRead = 0
        while let url = next {
            next = nil
            guard visited.insert(try DigestHasher.digest(of: Array(url.url.utf8))).inserted else {
                throw ManifoldError(.unreadable, "tags of \(repository.path): the registry's pages loop back to \(url.redacted)")
            }
            guard visited.count <= Self.maxTagPages else {
                throw ManifoldError(.limitExceeded, "tags of \(repository.path): more than \(Self.maxTagPages) pages")
            }
            var body: [UInt8] = []
            let limit = ImageLimits().documentSize
            let answer = try send(Request(url.url, repository: repository, accept: ["application/json"])) { _ in .receive } body: { chunk in
                guard chunk.count <= limit - body.count else {
                    throw ManifoldError(.limitExceeded, "tags of \(repository.path): a page of more than \(limit) bytes")
                }
                guard chunk.count <= Self.maxTagListBytes - bytesRead - body.count else {
                    throw ManifoldError(
                        .limitExceeded, "tags of \(repository.path): the registry's pages add up to more than \(Self.maxTagListBytes) bytes")
                }
                body += chunk
            }
            bytesRead += body.count
            if answer.status == 404 {
                throw ManifoldError(.absent, "\(repository.canonical): no such repository on \(host)\(Self.errorDetail(answer.errorBody))")
            }
            guard answer.isSuccess else { throw failure(answer, "GET tags of \(repository.path)") }
            for tag in try Self.tagPage(body, repository: repository) where tags.insert(tag).inserted && tags.count > maxTags {
                throw ManifoldError(
                    .limitExceeded, "tags of \(repository.path): more than \(maxTags) tags (the --max-tags limit; raise it to list them all)")
            }
            next = try Self.nextPage(answer.head.headers.values("Link"), of: url, base: base, repository: repository)
        }
        return tags.sorted()
    }

    /// The page a response's `Link` headers name as `rel="next"`, resolved against `url` (the
    /// page that carried them); nil on the last page. A next page on another scheme or host
    /// than `base` (the registry's `/v2/`) is refused: the client's credentials go with it.
    static func nextPage(_ linkValues: [String], of url: URLParts, base: URLParts, repository: RepositoryReference) throws -> URLParts? {
        guard let link = nextLink(linkValues) else { return nil }
        let target = try url.resolving(link)
        guard target.scheme == base.scheme, target.authority == base.authority else {
            throw ManifoldError(
                .unreadable, "tags of \(repository.path): the next page is on another host (\(target.redacted)); not followed")
        }
        return target
    }

    /// The `tags` of one page (`{"name": …, "tags": [… ] or null}`); each must be a tag as
    /// the reference grammar has it (at most 128 bytes), or the page is refused.
    static func tagPage(_ body: [UInt8], repository: RepositoryReference) throws -> [String] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch let error as ManifoldError {
            throw error.prefixed("tags of \(repository.path)")
        }
        guard case .object(let object) = value else {
            throw ManifoldError(.invalidDocument, "tags of \(repository.path): expected a JSON object, got \(value.typeName)")
        }
        switch object["tags"] {
        case nil, .null?: return []
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let tag) = item else {
                    throw ManifoldError(.invalidDocument, "tags of \(repository.path): a tag is \(item.typeName), not a string")
                }
                guard ReferenceGrammar.isTag(tag[...]) else {
                    throw ManifoldError(
                        .invalidDocument,
                        "tags of \(repository.path): \(quoted(String(tag.prefix(140)))) is not a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})")
                }
                return tag
            }
        case let other?:
            throw ManifoldError(.invalidDocument, "tags of \(repository.path): \"tags\" is \(other.typeName), not an array")
        }
    }

    /// The target of the `rel="next"` link among `Link` header values, if any.
    static func nextLink(_ values: [String]) -> String? {
        for value in values {
            for link in value.split(separator: ",") {
                let parts = link.split(separator: ";").map { String($0).trimmingSpaces }
                guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
                let isNext = parts.dropFirst().contains { parameter in
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
                    guard pair.count == 2, pair[0].lowercased() == "rel" else { return false }
                    let rel = pair[1].trimmingCharacters(of: "\"")
                    return rel.split(separator: " ").contains { $0.lowercased() == "next" }
                }
                if isNext { return String(target.dropFirst().dropLast()) }
            }
        }
        return nil
    }
}

extension String {
    /// Without `character` at either end.
    func trimmingCharacters(of character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
