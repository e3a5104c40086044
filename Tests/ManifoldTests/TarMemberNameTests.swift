import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// Writes a tar with Python's tarfile, which stores names exactly as given: `name` for a
/// regular file holding `content`, `name/` for a directory, `name -> target` for a symlink.
func writeTar(_ url: URL, _ members: [(String, String)]) throws {
    let spec = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".json")
    try JSONSerialization.data(withJSONObject: members.map { [$0.0, $0.1] }).write(to: spec)
    _ = try shell("""
        python3 -c 'import io, json, sys, tarfile
        with tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as tar:
            for name, content in json.load(open(sys.argv[1])):
                info = tarfile.TarInfo(name.split(" -> ")[0])
                if " -> " in name:
                    info.type, info.linkname = tarfile.SYMTYPE, name.split(" -> ")[1]
                elif name.endswith("/"):
                    info.type = tarfile.DIRTYPE
                else:
                    info.size = len(content.encode())
                tar.addfile(info, io.BytesIO(content.encode()) if info.isfile() else None)' '\(spec.path)' '\(url.path)'
        """)
}

/// Tar member names (issue 8, items 5 and 7a): names that meet only once `..` is applied are
/// refused; names that meet through `.`, `//` or a trailing `/` are duplicates; a member's
/// parent directories must be directories, not links.
@Suite struct TarMemberNameTests {
    func index(_ members: [(String, String)]) throws -> TarIndex {
        let url = try ImageFixtures.temporaryDirectory().appendingPathComponent("t.tar")
        try writeTar(url, members)
        return try TarIndex(file: OpenFile(path: url.path))
    }

    static let refused: [[(String, String)]] = [
        [("index.json", "{}"), ("zz/../index.json", "[]")],
        [("blobs/sha256/ab", "x"), ("blobs/sha256/../sha256/ab", "y")],
        [("zz/../index.json", "[]")],
        [("../index.json", "{}")],
        [("a/..", "")],
        [("blobs/../", "")],
    ]

    @Test(arguments: refused)
    func dotDotComponentsAreRefused(_ members: [(String, String)]) throws {
        let error = #expect(throws: ManifoldError.self) { try index(members) }
        #expect(error?.code == .ambiguousArchive)
        #expect(error?.message.contains("\"..\" component") == true)
    }

    /// Paths inside an image are split as the kernel splits them, on "/" bytes: a "/"
    /// followed by a combining mark is one Character, and a split on Characters kept
    /// `../\u{301}x` as one component that is not "..", which `openat` would walk up with.
    @Test func pathsSplitOnBytesNotCharacters() throws {
        #expect(try safeComponents("blobs/sha256/ab") == ["blobs", "sha256", "ab"])
        #expect(try safeComponents("./blobs//sha256/./ab/") == ["blobs", "sha256", "ab"])
        #expect(try safeComponents("a/\u{301}b") == ["a", "\u{301}b"])
        for escaping in ["../\u{301}x", "a/../\u{301}", "/\u{301}etc/passwd", "..", ".", ""] {
            let error = #expect(throws: ManifoldError.self, "\(escaping.unicodeScalars.map(\.value))") { try safeComponents(escaping) }
            #expect(error?.message.contains("leaves the image") == true)
        }
    }

    static let duplicates: [[(String, String)]] = [
        [("index.json", "{}"), ("./index.json", "[]")],
        [("blobs/sha256/ab", "x"), ("blobs//sha256/ab", "y")],
        [("blobs/sha256/ab", "x"), ("./blobs/./sha256/ab", "y")],
        [("index.json", "{}"), ("index.json/", "")],
    ]

    @Test(arguments: duplicates)
    func namesThatCleanToOnePathAreDuplicates(_ members: [(String, String)]) throws {
        let error = #expect(throws: ManifoldError.self) { try index(members) }
        #expect(error?.code == .ambiguousArchive)
        #expect(error?.message.contains("appears twice") == true)
    }

    @Test func harmlessSpellingsStillIndex() throws {
        let tar = try index([("./blobs/", ""), ("blobs//", ""), ("./blobs/sha256/ab", "x"), ("index.json", "{}")])
        #expect(tar.entry("blobs/sha256/ab")?.size == 1)
        #expect(tar.entry("blobs")?.kind == .directory)
    }

    /// The layout fixture, tarred with its `blobs/sha256` (or `blobs`) moved aside and a
    /// symlink left in its place.
    func archiveWithLinked(_ directory: String) throws -> (layout: URL, archive: URL) {
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let store = layout.appendingPathComponent("store")
        try FileManager.default.moveItem(at: layout.appendingPathComponent(directory), to: store)
        try FileManager.default.createSymbolicLink(atPath: layout.appendingPathComponent(directory).path,
                                                   withDestinationPath: directory == "blobs" ? "store" : "../store")
        let archive = layout.deletingLastPathComponent().appendingPathComponent("linked.tar")
        _ = try shell("tar -C '\(layout.path)' -cf '\(archive.path)' oci-layout index.json blobs store")
        return (layout, archive)
    }

    @Test(arguments: ["blobs/sha256", "blobs"])
    func linkedBlobDirectoriesAreRefusedAsInALayout(_ directory: String) throws {
        let (layout, archive) = try archiveWithLinked(directory)
        let source = try LocalContent.open(archive.path)
        let digest = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
        let error = #expect(throws: ManifoldError.self) { try source.blob(Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: 0)) }
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "\(directory) is a symbolic link; image layouts must hold real files and directories")
        // The archive and the layout directory get the same verdict, in the same words.
        for command in ["verify", "inspect"] {
            let fromArchive = try run(manifoldBinary, [command, archive.path])
            let fromLayout = try run(manifoldBinary, [command, layout.path])
            #expect(fromArchive.status == fromLayout.status)
            #expect(fromArchive.status == (command == "verify" ? 1 : 2))
            let words = "\(directory) is a symbolic link"
            #expect((fromArchive.stdout + fromArchive.stderr).contains(words), "\(fromArchive.stdout)\(fromArchive.stderr)")
            #expect((fromLayout.stdout + fromLayout.stderr).contains(words))
        }
    }

    @Test func dotDotArchiveIsUnusableInEveryCommand() throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let layout = try ImageFixtures.copy("oci-two-platforms")
        let archive = directory.appendingPathComponent("dotdot.tar")
        var members: [(String, String)] = []
        for name in ["oci-layout", "index.json"] {
            members.append((name, try String(contentsOf: layout.appendingPathComponent(name), encoding: .utf8)))
        }
        members.append(("zz/../index.json", "{\"schemaVersion\":2,\"manifests\":[]}"))
        try writeTar(archive, members)
        for command in [["verify"], ["inspect"], ["pack", "-o", directory.appendingPathComponent("out").path]] {
            let result = try run(manifoldBinary, command + [archive.path])
            #expect(result.status == 2, "\(command)")
            #expect((result.stdout + result.stderr).contains("ambiguous archive: member \"zz/../index.json\" has a \"..\" component"))
        }
    }
}
