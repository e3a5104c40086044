import Foundation
import Testing
import Manifold
@testable import ManifoldRegistry

/// Where credentials come from, in skopeo's order, and where login puts them. Every test
/// builds its own home directory and environment; the real ones are never read.
@Suite struct CredentialStoreTests {
    /// A temporary home with a fake `docker-credential-test` on a `bin` directory.
    struct Sandbox {
        let root: String
        var home: String { "\(root)/home" }
        var bin: String { "\(root)/bin" }
        var runtime: String { "\(root)/run" }
        var helperLog: String { "\(root)/helper.log" }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-creds-\(UUID().uuidString)").path
            for directory in [home, bin, runtime] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // Answers by server URL, as docker-credential-helpers do; logs store/erase input.
            let script = """
                #!/bin/sh
                input=$(cat)
                case "$1" in
                store) echo "store $input" >> '\(helperLog)'; exit 0 ;;
                erase) echo "erase $input" >> '\(helperLog)'
                       [ "$input" = "gone.example" ] && { echo "credentials not found in native keychain"; exit 1; }
                       exit 0 ;;
                esac
                case "$input" in
                https://index.docker.io/v1/) echo '{"ServerURL":"hub","Username":"hubuser","Secret":"hubpass"}' ;;
                token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"idt"}' ;;
                missing.example) echo "credentials not found in native keychain"; exit 1 ;;
                broken.example) echo "the keyring is locked" >&2; exit 3 ;;
                big.example) head -c 2000000 /dev/zero ;;
                garbage.example) echo "not json" ;;
                hang.example) exec sleep 30 ;;
                *) printf '{"ServerURL":"%s","Username":"user-%s","Secret":"pw"}' "$input" "$input" ;;
                esac
                """
            let helper = "\(bin)/docker-credential-test"
            try script.write(toFile: helper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
        }

        func environment(_ variables: [String: String] = [:]) -> CredentialEnvironment {
            CredentialEnvironment(
                variables: ["PATH": "\(bin):/usr/bin:/bin", "XDG_RUNTIME_DIR": runtime].merging(variables) { $1 },
                homeDirectory: home, userID: 4242)
        }

        func write(_ text: String, to path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static func auths(_ entries: [String: String]) -> String {
        let members = entries.sorted { $0.key < $1.key }.map { key, credential in
            "\"\(key)\": {\"auth\": \"\(Data(credential.utf8).base64EncodedString())\"}"
        }
        return "{\"auths\": {\(members.joined(separator: ", "))}}"
    }

    static func repository(_ text: String) throws -> RepositoryReference { try RepositoryReference(parsing: text) }

    @Test func searchOrderIsSkopeos() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let home = sandbox.home
        #expect(CredentialStore(environment: sandbox.environment()).searchPaths.map(\.path) == [
            "\(sandbox.runtime)/containers/auth.json", "\(home)/.config/containers/auth.json",
            "\(home)/.docker/config.json", "\(home)/.dockercfg",
        ])
        #expect(CredentialStore(environment: sandbox.environment()).searchPaths.last?.isLegacyFormat == true)
        let moved = sandbox.environment(["REGISTRY_AUTH_FILE": "/r/auth.json", "XDG_CONFIG_HOME": "/x", "DOCKER_CONFIG": "/d"])
        #expect(CredentialStore(environment: moved).searchPaths.map(\.path) == [
            "/r/auth.json", "/x/containers/auth.json", "/d/config.json", "\(home)/.dockercfg",
        ])
        #expect(CredentialStore(environment: moved, authFile: "/a.json").searchPaths.first?.path == "/a.json")
        var noRuntime = sandbox.environment()
        noRuntime.variables["XDG_RUNTIME_DIR"] = nil
        #expect(try CredentialStore(environment: noRuntime).primaryAuthFile() == "/run/containers/4242/auth.json")
    }

    @Test func theFirstFileWithACredentialWins() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let env = sandbox.environment()
        let docker = "\(sandbox.home)/.docker/config.json"
        let containers = "\(sandbox.home)/.config/containers/auth.json"
        let primary = "\(sandbox.runtime)/containers/auth.json"
        try sandbox.write(Self.auths(["quay.io": "docker:1", "ghcr.io": "docker:2"]), to: docker)
        try sandbox.write(Self.auths(["quay.io": "config:1"]), to: containers)
        try sandbox.write(Self.auths(["other.io": "primary:1"]), to: primary)
        let store = CredentialStore(environment: env)
        let quay = try #require(try store.credential(for: Self.repository("quay.io/org/app")))
        #expect(quay.username == "config" && quay.password == "1" && quay.source == containers)
        #expect(try store.credential(for: Self.repository("ghcr.io/org/app"))?.source == docker)
        #expect(try store.credential(for: Self.repository("nowhere.io/app")) == nil)

        // --authfile replaces the primary file; --creds replaces everything.
        let custom = "\(sandbox.root)/custom.json"
        try sandbox.write(Self.auths(["quay.io": "custom:pw"]), to: custom)
        #expect(try CredentialStore(environment: env, authFile: custom).credential(for: Self.repository("quay.io/a"))?.username == "custom")
        let explicit = RegistryCredential(username: "cli", password: "pw", source: "--creds")
        #expect(try CredentialStore(environment: env, authFile: custom, explicitCredential: explicit)
            .credential(for: Self.repository("quay.io/a")) == explicit)
        // $REGISTRY_AUTH_FILE is the default of --authfile.
        #expect(try CredentialStore(environment: sandbox.environment(["REGISTRY_AUTH_FILE": custom]))
            .credential(for: Self.repository("quay.io/a"))?.username == "custom")
    }

    @Test func keysMatchMostSpecificFirstAndDockerHubByAnyName() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = "\(sandbox.root)/auth.json"
        try sandbox.write(Self.auths([
            "registry.example/team": "team:1", "registry.example/team/app": "app:1", "registry.example": "host:1",
            "https://index.docker.io/v1/": "hub:1", "http://legacy.example:5000/v2/": "legacy:1",
        ]), to: file)
        let store = CredentialStore(environment: sandbox.environment(), authFile: file)
        #expect(try store.credential(for: Self.repository("registry.example/team/app"))?.username == "app")
        #expect(try store.credential(for: Self.repository("registry.example/team/other"))?.username == "team")
        #expect(try store.credential(for: Self.repository("registry.example/solo"))?.username == "host")
        #expect(try store.credential(for: Self.repository("ubuntu"))?.username == "hub")
        #expect(try store.credential(for: Self.repository("index.docker.io/org/app"))?.username == "hub")
        #expect(try store.credential(for: Self.repository("legacy.example:5000/app"))?.username == "legacy")

        try sandbox.write(Self.auths(["docker.io": "plain:1"]), to: file)
        #expect(try store.credential(for: Self.repository("docker.io/library/ubuntu"))?.username == "plain")
    }

    @Test func identityTokensEmptyEntriesPasswordsWithColonsAndLegacyFiles() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = "\(sandbox.root)/auth.json"
        let auth = Data("user:pa:ss\0".utf8).base64EncodedString()
        try sandbox.write("""
            {"auths": {"a.example": {"auth": "\(auth)"}, "b.example": {"auth": "", "identitytoken": "idt"},
             "c.example": {}}, "unknown": true}
            """, to: file)
        let store = CredentialStore(environment: sandbox.environment(), authFile: file)
        let a = try #require(try store.credential(for: Self.repository("a.example/x")))
        #expect(a.username == "user" && a.password == "pa:ss" && a.identityToken == nil)
        #expect(try store.credential(for: Self.repository("b.example/x"))?.identityToken == "idt")
        #expect(try store.credential(for: Self.repository("c.example/x")) == nil)
        #expect(!a.description.contains("pa:ss"))

        // ~/.dockercfg: the auths map alone, keys are URLs.
        try sandbox.write(#"{"https://old.example/v1/": {"auth": "\#(Data("old:pw".utf8).base64EncodedString())", "email": "x@y"}}"#,
                          to: "\(sandbox.home)/.dockercfg")
        #expect(try CredentialStore(environment: sandbox.environment()).credential(for: Self.repository("old.example/app"))?.username == "old")
    }

    @Test func credentialHelpersAndCredsStore() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = "\(sandbox.home)/.docker/config.json"
        try sandbox.write("""
            {"auths": {"stored.example": {"auth": "\(Data("file:pw".utf8).base64EncodedString())"}},
             "credHelpers": {"helper.example": "test", "token.example": "test", "missing.example": "test",
                             "broken.example": "test", "big.example": "test", "garbage.example": "test",
                             "absent.example": "absent"},
             "credsStore": "test"}
            """, to: config)
        let store = CredentialStore(environment: sandbox.environment())
        let helped = try #require(try store.credential(for: Self.repository("helper.example/app")))
        #expect(helped.username == "user-helper.example" && helped.password == "pw")
        #expect(helped.source.contains("docker-credential-test") && helped.source.contains(config))
        #expect(try store.credential(for: Self.repository("token.example/app"))?.identityToken == "idt")
        // Not found in the helper: nothing, not an error.
        #expect(try store.credential(for: Self.repository("missing.example/app")) == nil)
        // auths before credsStore; credsStore for the rest, Docker Hub asked by its URL.
        #expect(try store.credential(for: Self.repository("stored.example/app"))?.username == "file")
        #expect(try store.credential(for: Self.repository("elsewhere.example/app"))?.username == "user-elsewhere.example")
        #expect(try store.credential(for: Self.repository("ubuntu"))?.username == "hubuser")

        func message(_ host: String) -> String? {
            do {
                _ = try store.credential(for: Self.repository("\(host)/app"))
                return nil
            } catch let error as ManifoldError {
                return "\(error.code): \(error.message)"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("broken.example")?.contains("docker-credential-test get failed (exit status 3): \"the keyring is locked\"") == true)
        #expect(message("big.example")?.hasPrefix("limitExceeded") == true)
        #expect(message("garbage.example")?.contains("docker-credential-test get: unreadable answer") == true)
        let absent = try #require(message("absent.example"))
        #expect(absent.hasPrefix("absent"))
        #expect(absent.contains("docker-credential-absent") && absent.contains(config) && absent.contains("$PATH"))
    }

    @Test func aHelperThatHangsIsKilledAtItsTimeout() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        var helper = CredentialHelper(name: "test", configuredIn: "config.json", environment: sandbox.environment())
        helper.timeout = 0.5
        do {
            _ = try helper.get(serverURL: "hang.example")
            Issue.record("no error")
        } catch let error as ManifoldError {
            #expect(error.message.contains("docker-credential-test get") && error.message.contains("no answer within"), "\(error.message)")
        }
        // The helper runs with the injected environment only.
        #expect(try helper.executablePath() == "\(sandbox.bin)/docker-credential-test")
    }

    @Test func theProcessEnvironmentIsReadOnlyByCurrent() {
        let current = CredentialEnvironment.current()
        #expect(current["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        #expect(current.userID == getuid())
        #expect(current.homeDirectory != nil)
    }

    @Test(arguments: [
        ("{", "invalid JSON"),
        (#"{"auths": []}"#, #""auths" must be an object"#),
        (#"{"auths": {"a.example": "x"}}"#, #""auths"."a.example" must be an object"#),
        (#"{"auths": {"a.example": {"auth": 1}}}"#, #""auths"."a.example".auth must be a string"#),
        (#"{"auths": {"a.example": {"auth": "!!!"}}}"#, "is not base64"),
        (#"{"credHelpers": {"a.example": 1}}"#, #""credHelpers"."a.example" must be a string"#),
        (#"{"credsStore": []}"#, #""credsStore" must be a string"#),
        (#"[]"#, "expected a JSON object"),
    ])
    func malformedFilesAreErrorsNamingTheFile(_ text: String, _ says: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = "\(sandbox.home)/.docker/config.json"
        try sandbox.write(text, to: file)
        do {
            _ = try CredentialStore(environment: sandbox.environment()).credential(for: Self.repository("a.example/app"))
            Issue.record("no error")
        } catch let error as ManifoldError {
            #expect(error.code == .invalidDocument)
            #expect(error.message.hasPrefix(file), "\(error.message)")
            #expect(error.message.contains(says), "\(error.message)")
        }
    }

    @Test func loginWritesThePrimaryFileAtomicallyAndKeepsTheRest() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let store = CredentialStore(environment: sandbox.environment())
        let file = "\(sandbox.runtime)/containers/auth.json"
        #expect(try store.login(key: "localhost:5000", username: "u", password: "p:w") == file)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: "\(sandbox.runtime)/containers")
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        let found = try #require(try store.credential(for: Self.repository("localhost:5000/app")))
        #expect(found.username == "u" && found.password == "p:w" && found.source == file)

        // Other entries and unknown keys survive a login, in their order; a second login replaces.
        try sandbox.write(#"{"auths": {"z.example": {"auth": "\#(Data("z:1".utf8).base64EncodedString())", "email": "e"}, "localhost:5000": {"auth": "eDp5"}}, "credHelpers": {}, "future": {"k": [1, 2]}}"#, to: file)
        try store.login(key: "localhost:5000", username: "v", password: "q")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let auths = json?["auths"] as? [String: [String: String]]
        #expect(auths?["z.example"] == ["auth": Data("z:1".utf8).base64EncodedString(), "email": "e"])
        #expect(auths?["localhost:5000"] == ["auth": Data("v:q".utf8).base64EncodedString()])
        #expect((json?["future"] as? [String: [Int]]) == ["k": [1, 2]])
        #expect(text.range(of: "z.example")!.lowerBound < text.range(of: "localhost:5000")!.lowerBound)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(sandbox.runtime)/containers") == ["auth.json"])

        // Logout removes only that entry; a second logout names the file.
        #expect(try store.logout(key: "localhost:5000") == file)
        #expect(try store.credential(for: Self.repository("localhost:5000/app")) == nil)
        #expect(try store.credential(for: Self.repository("z.example/app"))?.username == "z")
        do {
            try store.logout(key: "localhost:5000")
            Issue.record("no error")
        } catch let error as ManifoldError {
            #expect(error.code == .absent)
            #expect(error.message == "not logged into localhost:5000 in \(file)")
        }
    }

    @Test func loginHonoursAuthfileHelpersAndAMissingRuntimeDirectory() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let custom = "\(sandbox.root)/new/dir/auth.json"
        let store = CredentialStore(environment: sandbox.environment(), authFile: custom)
        #expect(try store.login(key: "docker.io", username: "u", password: "p") == custom)
        #expect(try store.credential(for: Self.repository("ubuntu"))?.username == "u")
        #expect(try store.logout(key: "docker.io") == custom)

        // A credHelpers entry for the key in the primary file: the helper stores and erases.
        try sandbox.write(#"{"credHelpers": {"helper.example": "test", "gone.example": "test"}}"#, to: custom)
        #expect(try store.login(key: "helper.example", username: "hu", password: "hp") == "docker-credential-test")
        #expect(try store.logout(key: "helper.example") == "docker-credential-test")
        #expect(throws: ManifoldError.self) { try store.logout(key: "gone.example") }
        let log = try String(contentsOfFile: sandbox.helperLog, encoding: .utf8)
        #expect(log.contains(#"store {"ServerURL":"helper.example","Username":"hu","Secret":"hp"}"#))
        #expect(log.contains("erase helper.example"))

        let missing = CredentialStore(environment: sandbox.environment(["XDG_RUNTIME_DIR": "\(sandbox.root)/nope"]))
        #expect(errorCode { try missing.login(key: "a.example", username: "u", password: "p") } == .unwritable)
        // Reading goes on without the primary file.
        #expect(try missing.credential(for: Self.repository("a.example/app")) == nil)
    }

    @Test func loginKeysAndCreds() throws {
        #expect(try CredentialStore.loginKey("localhost:5000") == "localhost:5000")
        #expect(try CredentialStore.loginKey("quay.io/org/app") == "quay.io/org/app")
        #expect(try CredentialStore.loginKey("docker.io/vendor") == "docker.io/vendor")
        #expect(try CredentialStore.loginKey("https://index.docker.io/v1/") == "index.docker.io")
        #expect(errorCode { _ = try CredentialStore.loginKey("quay.io/org/app:tag") } == .invalidArgument)
        #expect(errorCode { _ = try CredentialStore.loginKey("vendor/app") } == .invalidArgument)
        #expect(errorCode { _ = try CredentialStore.loginKey("bad host") } == .invalidArgument)

        #expect(try RegistryCredential.parseCreds("user:pa:ss") == ("user", "pa:ss"))
        #expect(try RegistryCredential.parseCreds("user") == ("user", nil))
        #expect(try RegistryCredential.parseCreds("user:") == ("user", ""))
        #expect(errorCode { _ = try RegistryCredential.parseCreds("") } == .invalidArgument)
        #expect(errorCode { _ = try RegistryCredential.parseCreds(":pw") } == .invalidArgument)
    }

    /// `auth` is split at its first colon byte, as Docker splits it: a colon followed by a
    /// combining mark is still the separator (fuzz: colon-before-combining-mark), and NUL
    /// padding is dropped from the password.
    @Test func authIsSplitAtTheFirstColonByte() throws {
        let auth = Base64.encode(Array("us:\u{301}er:pass\0\0".utf8))
        let file = try AuthFile(bytes: Array(#"{"auths":{"registry.example":{"auth":"\#(auth)"}}}"#.utf8), path: "auth.json")
        let credential = try #require(try file.credential(for: try RepositoryReference(parsing: "registry.example/app")))
        #expect(credential.username == "us")
        #expect(credential.password == "\u{301}er:pass")
    }
}
