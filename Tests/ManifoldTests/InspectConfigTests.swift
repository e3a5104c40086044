import Foundation
import Testing
@testable import Manifold

/// Issue 8, item 14: `inspect --config` (with `--json`), `--platform` with `--verbose`, and the
/// note on a synthesized manifest.
@Suite struct InspectConfigTests {
    @Test func executionConfigDecodesStrictlyAndToleratesTheRest() throws {
        let json = try JSONParser.parse(Array("""
            {"User":"1000:1000","Env":["A=1","B=2"],"Entrypoint":["/bin/app"],"Cmd":["--serve","x y"],
             "WorkingDir":"/srv","ExposedPorts":{"443/tcp":{},"80/tcp":{}},"Volumes":{"/data":{}},
             "Labels":{"b":"2","a":"1"},"StopSignal":"SIGTERM","Hostname":"","OnBuild":null,"Future":{"x":1}}
            """.utf8))
        let execution = try ExecutionConfig(json: json)
        #expect(execution.user == "1000:1000")
        #expect(execution.env == ["A=1", "B=2"])
        #expect(execution.entrypoint == ["/bin/app"])
        #expect(execution.cmd == ["--serve", "x y"])
        #expect(execution.exposedPorts == ["443/tcp", "80/tcp"])
        #expect(execution.volumes == ["/data"])
        #expect(execution.labels == ["a": "1", "b": "2"])
        #expect(execution.stopSignal == "SIGTERM")
        for bad in [#"{"Env":"A=1"}"#, #"{"Env":[1]}"#, #"{"User":5}"#, #"{"Labels":{"a":1}}"#, #"{"ExposedPorts":["80/tcp"]}"#,
                    #"{"Cmd":[true]}"#, #"{"Env":[],"env":[]}"#,
                    #"{"Entrypoint":"/bin/sh"}"#, #"{"Env":["=x"]}"#, #"{"Volumes":{"/v":1}}"#, #"{"ArgsEscaped":"yes"}"#] {
            #expect(errorCode { _ = try ExecutionConfig(json: try JSONParser.parse(Array(bad.utf8))) } == .invalidDocument, "\(bad)")
        }
        let config = try ImageConfig(json: try JSONParser.parse(Array("""
            {"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05Z","author":"me","config":{"Cmd":null},
             "rootfs":{"type":"layers","diff_ids":[]},"history":[]}
            """.utf8)))
        #expect(config.created == "2024-01-02T03:04:05Z" && config.author == "me" && config.execution?.cmd == nil)
        #expect(errorCode { _ = try ImageConfig(json: try JSONParser.parse(Array(#"{"config":"x","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8))) } == .invalidDocument)
    }

    /// What umoci wrote, `skopeo inspect --config` reads back, and manifold shows the same.
    @Test(.requires(.umoci, .skopeo)) func configAgreesWithSkopeo() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let layout = directory.appendingPathComponent("layout").path
        _ = try shell("""
            umoci init --layout '\(layout)' && umoci new --image '\(layout):v1' &&
            umoci config --image '\(layout):v1' --architecture arm64 --os linux --author 'A. Author' \
              --created 2024-05-06T07:08:09Z --config.user 1000 --config.workingdir /srv \
              --config.env A=1 --config.env 'B=two words' --config.entrypoint /bin/app --config.cmd --serve \
              --config.exposedports 8080/tcp --config.volume /data --config.label org.example.x=y \
              --config.stopsignal SIGINT
            """)
        let ours = try run(manifoldBinary, ["inspect", "--config", "--json", layout + ":v1"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let entries = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == 1)
        let entry = entries.first ?? [:]
        #expect(Set(entry.keys) == ["platform", "os", "architecture", "variant", "manifest", "config", "synthesized", "created", "author",
                                     "user", "workingDir", "entrypoint", "cmd", "env", "exposedPorts", "volumes", "labels", "stopSignal"])
        let peer = try JSONSerialization.jsonObject(with: Data(try shell("skopeo inspect --config 'oci:\(layout):v1'").utf8)) as? [String: Any] ?? [:]
        let peerConfig = peer["config"] as? [String: Any] ?? [:]
        #expect(entry["created"] as? String == (peer["created"] as? String).map { $0.replacingOccurrences(of: "+00:00", with: "Z") } || entry["created"] as? String == peer["created"] as? String)
        #expect(entry["author"] as? String == peer["author"] as? String)
        #expect(entry["architecture"] as? String == "arm64" && entry["os"] as? String == "linux")
        #expect(entry["user"] as? String == peerConfig["User"] as? String)
        #expect(entry["workingDir"] as? String == peerConfig["WorkingDir"] as? String)
        #expect(entry["env"] as? [String] == peerConfig["Env"] as? [String])
        #expect(entry["entrypoint"] as? [String] == peerConfig["Entrypoint"] as? [String])
        #expect(entry["cmd"] as? [String] == peerConfig["Cmd"] as? [String])
        #expect(entry["exposedPorts"] as? [String] == (peerConfig["ExposedPorts"] as? [String: Any])?.keys.sorted())
        #expect(entry["volumes"] as? [String] == (peerConfig["Volumes"] as? [String: Any])?.keys.sorted())
        #expect(entry["labels"] as? [String: String] == peerConfig["Labels"] as? [String: String])
        #expect(entry["stopSignal"] as? String == peerConfig["StopSignal"] as? String)
        #expect((entry["env"] as? [String])?.contains("B=two words") == true)

        let text = try run(manifoldBinary, ["inspect", "--config", layout + ":v1"])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("linux/arm64  manifest sha256:") == true, "\(text.stdout)")
        #expect(lines.contains("  author:        A. Author"))
        #expect(lines.contains("  entrypoint:    [\"/bin/app\"]"))
        #expect(lines.contains("  labels:        org.example.x=y"))
        #expect(lines.contains("  exposed ports: 8080/tcp"))
    }

    @Test func platformWithVerboseKeepsTheVerboseForm() throws {
        let image = fixture("oci-two-platforms")
        let all = try run(manifoldBinary, ["inspect", "--verbose", image])
        let one = try run(manifoldBinary, ["inspect", "--verbose", "--platform", "linux/arm64", image])
        #expect(one.status == 0, "\(one.stderr)")
        let allEntries = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]] ?? []
        let oneEntries = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(oneEntries.count == 1)
        #expect(Set(oneEntries.first?.keys.map { $0 } ?? []) == Set(allEntries.first?.keys.map { $0 } ?? []))
        #expect(((oneEntries.first?["Config"] as? [String: Any])?["architecture"] as? String) == "arm64")
        let config = try run(manifoldBinary, ["inspect", "--config", "--json", "--platform", "linux/arm64", image])
        #expect((try JSONSerialization.jsonObject(with: Data(config.stdout.utf8)) as? [[String: Any]])?.first?["platform"] as? String == "linux/arm64/v8")
        #expect(try run(manifoldBinary, ["inspect", "--json", image]).status == 2)
        #expect(try run(manifoldBinary, ["inspect", "--config", "--tree", image]).status == 2)
    }

    @Test func aSynthesizedManifestIsSaidToBeOne() throws {
        let saved = try run(manifoldBinary, ["inspect", fixture("docker-24.tar")])
        #expect(saved.status == 0)
        #expect(saved.stderr.contains("the manifest shown was synthesized by manifold"), "\(saved.stderr)")
        let config = try run(manifoldBinary, ["inspect", "--config", "--json", fixture("docker-24.tar")])
        #expect((try JSONSerialization.jsonObject(with: Data(config.stdout.utf8)) as? [[String: Any]])?.first?["synthesized"] as? Bool == true)
        let layout = try run(manifoldBinary, ["inspect", fixture("docker-25.tar")])
        #expect(!layout.stderr.contains("synthesized"), "\(layout.stderr)")
    }
}
