import Testing
import Manifold
@testable import ManifoldRegistry

/// Docker's reference grammar and normalisation. The cases are the facts of
/// distribution/reference's `reference_test.go` and `normalize_test.go` (what each input
/// means), with the domain given after normalisation; digests are made valid for their
/// algorithm, since Digest is stricter than distribution's regular expression.
@Suite struct ReferenceGrammarTests {
    static let sha256 = "sha256:" + String(repeating: "f", count: 64)
    static let sha512 = "sha512:" + String(repeating: "f", count: 128)

    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var domain: String
        var path: String
        var tag: String? = nil
        var digest: String? = nil
        var familiar: String? = nil
        var description: String { input }
    }

    static let valid: [Case] = [
        Case(input: "test_com", domain: "docker.io", path: "library/test_com"),
        Case(input: "test.com:tag", domain: "docker.io", path: "library/test.com", tag: "tag"),
        Case(input: "test.com:5000", domain: "docker.io", path: "library/test.com", tag: "5000"),
        Case(input: "test.com/repo:tag", domain: "test.com", path: "repo", tag: "tag"),
        Case(input: "test:5000/repo", domain: "test:5000", path: "repo"),
        Case(input: "test:5000/repo:tag", domain: "test:5000", path: "repo", tag: "tag"),
        Case(input: "test:5000/repo@\(sha256)", domain: "test:5000", path: "repo", digest: sha256),
        Case(input: "test:5000/repo:tag@\(sha256)", domain: "test:5000", path: "repo", tag: "tag", digest: sha256),
        // 255 characters of name once normalised (the domain is written, so nothing is added).
        Case(input: "example.com/" + String(repeating: "a/", count: 121) + "a:tag-puts-this-over-max",
             domain: "example.com", path: String(repeating: "a/", count: 121) + "a", tag: "tag-puts-this-over-max"),
        Case(input: "sub-dom1.foo.com/bar/baz/quux", domain: "sub-dom1.foo.com", path: "bar/baz/quux"),
        Case(input: "sub-dom1.foo.com/bar/baz/quux:some-long-tag", domain: "sub-dom1.foo.com", path: "bar/baz/quux", tag: "some-long-tag"),
        Case(input: "b.gcr.io/test.example.com/my-app:test.example.com", domain: "b.gcr.io", path: "test.example.com/my-app", tag: "test.example.com"),
        Case(input: "xn--n3h.com/myimage:xn--n3h.com", domain: "xn--n3h.com", path: "myimage", tag: "xn--n3h.com"),
        Case(input: "xn--7o8h.com/myimage:xn--7o8h.com@\(sha512)", domain: "xn--7o8h.com", path: "myimage", tag: "xn--7o8h.com", digest: sha512),
        Case(input: "foo_bar.com:8080", domain: "docker.io", path: "library/foo_bar.com", tag: "8080"),
        Case(input: "foo/foo_bar.com:8080", domain: "docker.io", path: "foo/foo_bar.com", tag: "8080"),
        Case(input: "test-com:8080/foo", domain: "test-com:8080", path: "foo"),
        Case(input: "test.com:8080/foo", domain: "test.com:8080", path: "foo"),
        Case(input: "lowercase:Uppercase", domain: "docker.io", path: "library/lowercase", tag: "Uppercase"),
        Case(input: "[2001:db8::1]/repo", domain: "[2001:db8::1]", path: "repo"),
        Case(input: "[2001:db8::1]:5000/repo:tag", domain: "[2001:db8::1]:5000", path: "repo", tag: "tag"),
        Case(input: "[::1]:5000/repo@\(sha256)", domain: "[::1]:5000", path: "repo", digest: sha256),
        Case(input: "localhost/foo", domain: "localhost", path: "foo"),
        Case(input: "localhost:5000/team/app:1.0", domain: "localhost:5000", path: "team/app", tag: "1.0"),
        Case(input: "127.0.0.1:5000/app", domain: "127.0.0.1:5000", path: "app"),
        Case(input: "ubuntu", domain: "docker.io", path: "library/ubuntu"),
        Case(input: "docker.io/library/ubuntu:22.04", domain: "docker.io", path: "library/ubuntu", tag: "22.04", familiar: "ubuntu:22.04"),
        Case(input: "docker.io/ubuntu", domain: "docker.io", path: "library/ubuntu", familiar: "ubuntu"),
        Case(input: "index.docker.io/library/ubuntu", domain: "docker.io", path: "library/ubuntu", familiar: "ubuntu"),
        Case(input: "docker.io/foo/bar", domain: "docker.io", path: "foo/bar", familiar: "foo/bar"),
        Case(input: "library/foo/bar", domain: "docker.io", path: "library/foo/bar"),
        Case(input: "Foo/bar", domain: "Foo", path: "bar"),                    // an uppercase first component is a host
        Case(input: "a__b/c-d---e.f_g:_tag", domain: "docker.io", path: "a__b/c-d---e.f_g", tag: "_tag"),
        Case(input: "foo:" + String(repeating: "t", count: 128), domain: "docker.io", path: "library/foo", tag: String(repeating: "t", count: 128)),
    ]

    @Test(arguments: valid)
    func parses(_ testCase: Case) throws {
        let reference = try RegistryReference(parsing: testCase.input)
        #expect(reference.repository.domain == testCase.domain)
        #expect(reference.repository.path == testCase.path)
        #expect(reference.tag == testCase.tag)
        #expect(reference.digest?.description == testCase.digest)
        // The familiar form is what was typed, minus what normalisation adds back.
        #expect(reference.description == (testCase.familiar ?? testCase.input))
        // The canonical form parses to the same reference (when it is not too long to parse).
        if reference.repository.canonical.utf8.count <= 255 {
            #expect(try RegistryReference(parsing: reference.canonical).repository == reference.repository)
        }
    }

    struct Invalid: Sendable, CustomStringConvertible {
        var input: String
        var says: String
        var code: ManifoldError.Code = .invalidArgument
        var description: String { input }
    }

    static let invalid: [Invalid] = [
        Invalid(input: "", says: "at least one component"),
        Invalid(input: ":justtag", says: "no repository name"),
        Invalid(input: "@\(sha256)", says: "no repository name"),
        Invalid(input: "validname@invaliddigest:" + String(repeating: "f", count: 64), says: "unsupported digest algorithm", code: .unsupportedAlgorithm),
        Invalid(input: "repo@sha256:" + String(repeating: "F", count: 64), says: "lowercase hex", code: .invalidDigest),
        Invalid(input: "repo@sha256:ffff", says: "64 lowercase hex", code: .invalidDigest),
        Invalid(input: String(repeating: "a/", count: 128) + "a:tag", says: "more than 255 characters"),
        // 250 as written, 260 once normalised (docker.io/…), as Docker counts it (fuzz:
        // normalised-name-over-255): otherwise its canonical form would not parse.
        Invalid(input: String(repeating: "ab/", count: 83) + "a", says: "more than 255 characters"),
        Invalid(input: "aa/asdf$$^/aa", says: "path component \"asdf$$^\""),
        Invalid(input: "Uppercase:tag", says: "repository name (Uppercase) must be lowercase"),
        Invalid(input: "test:5000/Uppercase/lowercase:tag", says: "repository name (Uppercase/lowercase) must be lowercase"),
        Invalid(input: "docker.io/Library/ubuntu", says: "must be lowercase"),
        Invalid(input: String(repeating: "ab", count: 32), says: "64-byte hexadecimal"),
        Invalid(input: "repo:-tag", says: "tag \"-tag\""),
        Invalid(input: "repo:ta/g", says: "not a registry host"),
        Invalid(input: "repo:" + String(repeating: "t", count: 129), says: "tag"),
        Invalid(input: "repo:", says: "tag \"\""),
        Invalid(input: "foo//bar", says: "empty path component"),
        Invalid(input: "foo/", says: "empty path component"),
        Invalid(input: "-foo", says: "path component \"-foo\""),
        Invalid(input: "foo-", says: "path component \"foo-\""),
        Invalid(input: "foo..bar", says: "path component \"foo..bar\""),
        Invalid(input: "foo___bar", says: "path component \"foo___bar\""),
        Invalid(input: "foo._bar", says: "path component"),
        Invalid(input: "http://host/repo", says: "not a registry host"),
        Invalid(input: "host:port/repo", says: "not a registry host"),
        Invalid(input: "-host.com/repo", says: "not a registry host"),
        Invalid(input: "[zz::1]/repo", says: "not a registry host"),
        Invalid(input: "repo@sha256:\(String(repeating: "f", count: 64))@\(sha256)", says: "digest", code: .invalidDigest),
        Invalid(input: "ubüntu", says: "path component"),
    ]

    @Test(arguments: invalid)
    func refuses(_ testCase: Invalid) {
        do {
            let reference = try RegistryReference(parsing: testCase.input)
            Issue.record("parsed as \(reference.canonical)")
        } catch let error as ManifoldError {
            #expect(error.code == testCase.code)
            #expect(error.message.contains(testCase.says), "\(error.message)")
            #expect(error.message.contains("invalid reference format"), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func canonicalAndFamiliarForms() throws {
        let bare = try RegistryReference(parsing: "ubuntu")
        #expect(bare.canonical == "docker.io/library/ubuntu:latest")
        #expect(bare.description == "ubuntu")
        #expect(bare.manifestReference == "latest")
        #expect(bare.repository.registryHost == "registry-1.docker.io")

        let pinned = try RegistryReference(parsing: "localhost:5000/app:1@\(Self.sha256)")
        #expect(pinned.canonical == "localhost:5000/app:1@\(Self.sha256)")
        #expect(pinned.manifestReference == Self.sha256)   // the digest decides
        #expect(pinned.repository.registryHost == "localhost:5000")

        let byDigest = try RegistryReference(parsing: "quay.io/org/app@\(Self.sha256)")
        #expect(byDigest.canonical == "quay.io/org/app@\(Self.sha256)")
        #expect(byDigest.tag == nil)

        #expect(try RegistryReference(parsing: "team/app:v2").description == "team/app:v2")
        #expect(try RegistryReference(parsing: "docker.io/team/app:v2").canonical == "docker.io/team/app:v2")
    }

    @Test func repositoryReferencesHaveNoTagOrDigest() throws {
        let hub = try RepositoryReference(parsing: "ubuntu")
        #expect(hub.canonical == "docker.io/library/ubuntu")
        #expect(hub.familiar == "ubuntu")
        #expect(hub.isDockerHub)
        let local = try RepositoryReference(parsing: "localhost:5000/team/app")
        #expect(local.canonical == "localhost:5000/team/app")
        #expect(local.description == "localhost:5000/team/app")
        #expect(!local.isDockerHub)
        #expect(errorCode { _ = try RepositoryReference(parsing: "ubuntu:22.04") } == .invalidArgument)
        #expect(errorCode { _ = try RepositoryReference(parsing: "ubuntu@\(Self.sha256)") } == .invalidArgument)
        #expect(errorCode { _ = try RepositoryReference(parsing: "localhost:5000") } == .invalidArgument)
        do {
            _ = try RepositoryReference(parsing: "localhost:5000/app:1")
            Issue.record("no error")
        } catch let error as ManifoldError {
            #expect(error.message == #"invalid reference format "localhost:5000/app:1": a repository is named without a tag or digest"#)
        }
        #expect(errorCode { _ = try RepositoryReference(parsing: "UPPER") } == .invalidArgument)
    }

    @Test func dockerTransport() throws {
        #expect(try RegistryReference(parsingTransport: "docker://alpine:3")?.canonical == "docker.io/library/alpine:3")
        #expect(try RegistryReference(parsingTransport: "oci:dir:tag") == nil)
        #expect(try RegistryReference(parsingTransport: "alpine") == nil)
        #expect(errorCode { _ = try RegistryReference(parsingTransport: "docker://") } == .invalidArgument)
        #expect(errorCode { _ = try RegistryReference(parsingTransport: "docker:///alpine") } == .invalidArgument)
    }

    @Test func referencesFromParts() throws {
        let repository = try RepositoryReference(parsing: "localhost:5000/app")
        let tagged = try RegistryReference(repository: repository, tag: "v1")
        #expect(tagged.description == "localhost:5000/app:v1")
        #expect(errorCode { _ = try RegistryReference(repository: repository, tag: "bad tag") } == .invalidArgument)
    }

    /// On Docker Hub, a path whose first component would read as a registry keeps its
    /// domain in the familiar form, which then parses back to the same repository (fuzz:
    /// docker-hub-path-reading-as-a-host).
    @Test func aFamiliarFormThatWouldReadAsAHostKeepsItsDomain() throws {
        for input in ["docker.io/a.b/app", "index.docker.io/localhost/app"] {
            let reference = try RegistryReference(parsing: input)
            #expect(reference.description == "docker.io/" + input.split(separator: "/", maxSplits: 1)[1])
            #expect(try RegistryReference(parsing: reference.description) == reference)
        }
        #expect(try RegistryReference(parsing: "docker.io/team/app").description == "team/app")
    }
}
