import Foundation
import Testing
@testable import Manifold
@testable import ManifoldCLI

/// `copy --all-tags`: every tag of a repository copied by one process, each image verified
/// and byte-identical at the destination, the layers the images share sent once; cosign's
/// tags go with their image, not as images; what it refuses, with its words.
@Suite struct CopyAllTagsTests {
    let directory: URL
    let layout: URL

    init() throws {
        directory = try ImageFixtures.temporaryDirectory()
        // Three two-platform images whose first layer (per platform) is shared.
        layout = try ImageFixtures.madeImages(in: directory, images: 3, layers: 2, shared: 1, minMB: "0.2", maxMB: "0.5")
    }

    var authFile: String { directory.appendingPathComponent("no-auth.json").path }

    @Test(.requires(.skopeo, .dockerRegistry))
    func everyTagIsCopiedInOneProcessAndSharedLayersMoveOnce() throws {
        let source = try TestRegistry(in: directory, .plainHTTP)
        let destination = try TestRegistry(in: directory, .plainHTTP)
        for image in 1...3 {
            let pushed = try run(manifoldBinary, ["push", "--authfile", authFile, "\(layout.path):img\(image)", "\(source.host)/team/app:img\(image)"])
            #expect(pushed.status == 0, "\(pushed.stderr)")
        }
        let copied = try run(manifoldBinary, ["copy", "--all-tags", "--json", "--jobs", "16", "--src-authfile", authFile, "--dest-authfile", authFile,
                                              "docker://\(source.host)/team/app", "docker://\(destination.host)/mirror/app"])
        #expect(copied.status == 0, "\(copied.stdout) \(copied.stderr)")
        guard case .object(let root) = try JSONParser.parse(Array(copied.stdoutData)), case .array(let images)? = root["images"] else {
            Issue.record("no images member: \(copied.stdout)")
            return
        }
        var tags: [String] = []
        var uploads: [String: Int] = [:]
        for case .object(let image) in images {
            if case .string(let tag)? = image["tag"] { tags.append(tag) }
            guard case .object(let push)? = image["push"], case .array(let blobs)? = push["blobs"] else { continue }
            for case .object(let blob) in blobs {
                if case .string(let digest)? = blob["digest"], case .string("uploaded")? = blob["status"] { uploads[digest, default: 0] += 1 }
            }
        }
        #expect(tags == ["img1", "img2", "img3"])
        // 2 shared layers, and per image 2 own layers and 2 configs: 14 blobs, each sent once.
        #expect(uploads.count == 14 && uploads.values.allSatisfy { $0 == 1 }, "\(uploads)")
        for image in 1...3 {
            let ours = try run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(destination.host)/mirror/app:img\(image)"])
            let theirs = try run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(source.host)/team/app:img\(image)"])
            #expect(ours.status == 0 && ours.stdoutData == theirs.stdoutData, "img\(image): \(ours.stderr)")
            let verified = try run(manifoldBinary, ["verify", "--authfile", authFile, "docker://\(destination.host)/mirror/app:img\(image)"])
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        }

        // Again: everything is there, nothing is sent; the summary counts the images.
        let again = try run(manifoldBinary, ["copy", "--all-tags", "-q", "--src-authfile", authFile, "--dest-authfile", authFile,
                                            "docker://\(source.host)/team/app", "docker://\(destination.host)/mirror/app"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("copied 3 of 3 images to docker://\(destination.host)/mirror/app"), "\(again.stdout)")
        #expect(again.stdout.components(separatedBy: "blobs: 0 uploaded").count == 4, "\(again.stdout)")
    }

    @Test func aTagOrADigestfileIsRefusedWithAllTags() throws {
        let tagged = try run(manifoldBinary, ["copy", "--all-tags", "docker://127.0.0.1:1/app:1", "docker://127.0.0.1:2/app"])
        #expect(tagged.status == 2)
        #expect(tagged.stderr.contains("--all-tags: SOURCE is a registry repository without a tag or digest"), "\(tagged.stderr)")
        let local = try run(manifoldBinary, ["copy", "--all-tags", "docker://127.0.0.1:1/app", directory.appendingPathComponent("out").path])
        #expect(local.status == 2)
        #expect(local.stderr.contains("DESTINATION is a registry repository"), "\(local.stderr)")
        let digestFile = try run(manifoldBinary, ["copy", "--all-tags", "--digestfile", "d", "docker://127.0.0.1:1/app", "docker://127.0.0.1:2/app"])
        #expect(digestFile.status == 2)
        #expect(digestFile.stderr.contains("--tag and --digestfile name one"), "\(digestFile.stderr)")
    }

    @Test func cosignTagsAreRecognised() {
        let hex = String(repeating: "ab", count: 32)
        #expect(CopyCommand.isAttachmentTag("sha256-\(hex).sig"))
        #expect(CopyCommand.isAttachmentTag("sha256-\(hex)"))
        #expect(!CopyCommand.isAttachmentTag("sha256-\(hex.prefix(10)).sig"))
        #expect(!CopyCommand.isAttachmentTag("v1.0"))
    }
}
