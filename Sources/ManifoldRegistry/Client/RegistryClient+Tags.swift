// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
// https://www.rfc-editor.org/rfc/rfc8288 (Link: <target>; rel="next")

import Manifold

extension RegistryClient {
    /// The most pages one listing follows.
    package static let maxTagPages = 10_000

    /// Every tag of `repository`, sorted and without duplicates. The first page is asked for
    /// without `n`, so the registry pages as it likes; pages are followed by the
    /// `Link: <…>; rel="next"` header, which carries the registry's `n` and `last` (on the
    /// registry's own host and scheme only; a page asked for twice is a loop, an error).
    package func tags(_ repository: RepositoryReference) throws -> [String] {
        let first = "/v2/\(repository.path)/tags/list"
        let base = try URLParts(try baseURL() + "/v2/")
        var next: String? = first
        var visited: Set<String> = []
        var tags: Set<String> = []
        while let target = next {
            next = nil
            let url = try base.resolving(target)
            guard visited.insert(url.url).inserted else {
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
                body += chunk
            }
            if answer.status == 404 {
                throw ManifoldError(.absent, "\(repository.canonical): no such repository on \(host)\(Self.errorDetail(answer.errorBody))")
            }
            guard answer.isSuccess else { throw failure(answer, "GET tags of \(repository.path)") }
            let page = try Self.tagPage(body, repository: repository)
            tags.formUnion(page)
            if let link = Self.nextLink(answer.head.headers.values("Link")) {
                let target = try url.resolving(link)
                guard target.scheme == base.scheme, target.authority == base.authority else {
                    throw ManifoldError(
                        .unreadable, "tags of \(repository.path): the next page is on another host (\(target.redacted)); not followed")
                }
                next = target.url
            }
        }
        return tags.sorted()
    }

    /// The `tags` of one page (`{"name": …, "tags": [… ] or null}`).
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
