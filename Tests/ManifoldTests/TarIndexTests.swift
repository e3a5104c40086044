import Foundation
import Testing
@testable import Manifold
@testable import ManifoldBlob

/// The tar index itself, on archives built byte by byte: every header kind manifold may meet
/// (ustar, pax, GNU long names, base-256 sizes, links), where it says each member's data
/// lies, and each way an archive is refused.
@Suite struct TarIndexTests {
    /// 9 GiB and 3 bytes: more than ustar's 11 octal digits hold (8 GiB - 1), not a whole
    /// number of blocks.
    static let hugeSize: UInt64 = 9 << 30 + 3
    static let hugePadded: UInt64 = (hugeSize + 511) / 512 * 512

    func refusal(_ tar: TarBytes, maxEntries: Int = ImageLimits().tarEntries) -> ManifoldError? {
        return #expect(throws: ManifoldError.self) { try tar.index(maxEntries: maxEntries) }
    }

    // MARK: names, kinds, offsets and sizes

    @Test func ustarMembersOfEveryKind() throws {
        var tar = TarBytes()
        let dirOffset = tar.member("blobs/", type: "5", mode: 0o755)
        let fileOffset = tar.member("blobs/data", data: Array("0123456789".utf8), mode: 0o600)
        let linkOffset = tar.member("blobs/link", type: "2", link: "data")
        let hardOffset = tar.member("blobs/hard", type: "1", link: "blobs/data")
        tar.member("fifo", type: "6")
        tar.member("old-regular", type: "\0", data: [1, 2, 3])
        tar.member("old-directory/", type: "0")
        tar.end()
        let index = try tar.index()
        #expect(index.entries.map(\.name) == ["blobs", "blobs/data", "blobs/link", "blobs/hard", "fifo", "old-regular", "old-directory"])
        #expect(index.entries.map(\.kind) == [.directory, .regular, .symlink, .hardLink, .other(UInt8(ascii: "6")), .regular, .directory])
        #expect(index.entry("blobs")?.offset == dirOffset)
        #expect(index.entry("blobs")?.mode == 0o755)
        #expect(index.entry("blobs/data") == TarEntry(name: "blobs/data", kind: .regular, linkName: "", offset: fileOffset, size: 10, mode: 0o600))
        #expect(fileOffset == 1024)
        #expect(index.entry("blobs/link") == TarEntry(name: "blobs/link", kind: .symlink, linkName: "data", offset: linkOffset, size: 0, mode: 0o644))
        #expect(index.entry("blobs/hard") == TarEntry(name: "blobs/hard", kind: .hardLink, linkName: "blobs/data", offset: hardOffset, size: 0, mode: 0o644))
        #expect(index.entry("old-regular")?.size == 3)
        #expect(index.entry("old-directory")?.size == 0)
        #expect(index.entry("missing") == nil)
    }

    @Test func ustarPrefixJoinsTheName() throws {
        let long = String(repeating: "p", count: 150) + "/" + String(repeating: "n", count: 90)
        let (prefix, name) = try #require(TarWriter.split(long))
        #expect(prefix.utf8.count == 150)
        var tar = TarBytes()
        tar.member(name, data: [7]) { block in
            for (index, byte) in prefix.utf8.enumerated() { block[345 + index] = byte }
        }
        // A pre-POSIX (v7) header has no prefix field: bytes there are not part of the name.
        tar.member("v7", data: [8]) { block in
            block.replaceSubrange(257..<265, with: [UInt8](repeating: 0, count: 8))
            for (index, byte) in "ignored".utf8.enumerated() { block[345 + index] = byte }
        }
        tar.end()
        let index = try tar.index()
        #expect(index.entries.map(\.name) == [long, "v7"])
    }

    @Test func paxRecordsNameLinkAndSizeTheNextMemberOnly() throws {
        let longName = "blobs/sha256/" + String(repeating: "a", count: 200)
        let longLink = String(repeating: "t", count: 180)
        var tar = TarBytes()
        tar.pax([("path", longName), ("mtime", "1.5"), ("comment", "multi\nline")])
        let first = tar.member(String(longName.suffix(99)), data: Array(repeating: 1, count: 700))
        tar.pax([("linkpath", longLink), ("path", "link")])
        tar.member("ignored", type: "2", link: "short")
        // pax size wins over the header's (0 here, as writers do for sizes octal cannot hold).
        tar.pax([("size", "5")])
        let sized = tar.member("sized", data: [1, 2, 3, 4, 5], size: 0)
        let after = tar.member("after", data: [9])
        tar.end()
        let index = try tar.index()
        #expect(index.entries.map(\.name) == [longName, "link", "sized", "after"])
        #expect(index.entry(longName)?.offset == first)
        #expect(index.entry(longName)?.size == 700)
        #expect(index.entry("link")?.linkName == longLink)
        #expect(index.entry("sized")?.offset == sized)
        #expect(index.entry("sized")?.size == 5)
        #expect(index.entry("after")?.offset == after)
    }

    @Test func globalPaxHeadersAreNotApplied() throws {
        var tar = TarBytes()
        tar.pax([("path", "global-name")], global: true)
        tar.member("own-name", data: [1])
        tar.end()
        #expect(try tar.index().entries.map(\.name) == ["own-name"])
    }

    @Test func gnuLongNamesAndLinks() throws {
        let longName = String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 130)
        let longLink = String(repeating: "l", count: 300)
        var tar = TarBytes()
        tar.gnuLong(longName)
        let data = tar.member(String(longName.prefix(100)), data: Array(repeating: 2, count: 513))
        tar.gnuLong("hard-\(longName)")
        tar.gnuLong(longLink, type: "K")
        tar.member("truncated-in-header", type: "1", link: String(longLink.prefix(100)))
        tar.member("plain", data: [3])
        tar.end()
        let index = try tar.index()
        #expect(index.entries.map(\.name) == [longName, "hard-\(longName)", "plain"])
        #expect(index.entry(longName)?.offset == data)
        #expect(index.entry(longName)?.size == 513)
        #expect(index.entry("hard-\(longName)")?.kind == .hardLink)
        #expect(index.entry("hard-\(longName)")?.linkName == longLink)
    }

    @Test func namesAreNormalized() throws {
        var tar = TarBytes()
        tar.member("./a//b/", type: "5")
        tar.member("/./a/./b/c", data: [1])
        tar.end()
        #expect(try tar.index().entries.map(\.name) == ["a/b", "a/b/c"])
    }

    @Test func archiveWithoutEndMarkerIsRead() throws {
        var tar = TarBytes()
        tar.member("only", data: [1, 2])
        #expect(try tar.index().entries.map(\.name) == ["only"])
    }

    // MARK: sizes past ustar's octal

    /// A 9 GiB member in base-256, in a sparse file (no disk used): its size, and the next
    /// member found past its padded data.
    @Test func base256SizeOfNineGigabytes() throws {
        var tar = TarBytes()
        tar.member("huge", size: 0, edit: TarBytes.base256(Self.hugeSize))
        var tail = TarBytes()
        tail.member("after", data: [1])
        tail.end()
        let url = try tar.write(appending: (at: 512 + Self.hugePadded, bytes: tail.bytes))
        let index = try TarIndex(file: OpenFile(path: url.path))
        #expect(index.entries.map(\.name) == ["huge", "after"])
        #expect(index.entry("huge")?.offset == 512)
        #expect(index.entry("huge")?.size == Self.hugeSize)
        #expect(index.entry("after")?.offset == 512 + Self.hugePadded + 512)
    }

    @Test func paxSizeOfNineGigabytes() throws {
        var tar = TarBytes()
        tar.pax([("size", String(Self.hugeSize))])
        let data = tar.member("huge", size: 0)
        var tail = TarBytes()
        tail.member("after", data: [1])
        tail.end()
        let url = try tar.write(appending: (at: data + Self.hugePadded, bytes: tail.bytes))
        let index = try TarIndex(file: OpenFile(path: url.path))
        #expect(index.entry("huge")?.size == Self.hugeSize)
        #expect(index.entry("after")?.offset == data + Self.hugePadded + 512)
    }

    /// The size is checked against the file before anything is read: a header cannot send
    /// the reader past the end.
    @Test func base256SizePastTheEndIsRefused() throws {
        var tar = TarBytes()
        tar.member("huge", size: 0, edit: TarBytes.base256(Self.hugeSize))
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "truncated tar: member at offset 0 declares \(Self.hugeSize) bytes past the end of the file")
    }

    @Test(arguments: [
        (UInt8(0xff), UInt64(1), "tar size at offset 0 is negative or too large"),
        (UInt8(0x81), UInt64(1), "tar size at offset 0 is negative or too large"),
    ])
    func negativeBase256SizeIsRefused(first: UInt8, size: UInt64, message: String) throws {
        var tar = TarBytes()
        tar.member("negative", size: 0, edit: TarBytes.base256(size, first: first))
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == message)
    }

    @Test func base256SizeAboveSixtyFourBitsIsRefused() throws {
        var tar = TarBytes()
        tar.member("overflow", size: 0) { block in
            TarBytes.base256(.max)(&block)
            block[127] = 1  // a bit above 2^64
        }
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "tar size at offset 0 is too large")
    }

    @Test(arguments: ["-1", "x", "99999999999", ""])
    func paxSizeThatIsNotANumberOrPastTheEndIsRefused(_ value: String) throws {
        var tar = TarBytes()
        tar.pax([("size", value)])
        tar.member("sized", data: [1])
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "tar pax size \"\(value)\" at offset 1024 is invalid or past the end")
    }

    // MARK: refused archives

    @Test func duplicateMembersAreAmbiguous() throws {
        var tar = TarBytes()
        tar.member("index.json", data: Array("{}".utf8))
        tar.member("blobs/", type: "5")
        tar.member("blobs", type: "5")  // the same directory twice is harmless
        tar.member("./index.json", data: Array("[]".utf8))
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .ambiguousArchive)
        #expect(error?.message == "ambiguous archive: \"index.json\" appears twice")
    }

    /// A file where a directory was, a symlink where a file was.
    @Test(arguments: [("blobs", "0"), ("index.json", "2")] as [(String, Character)])
    func aDirectoryAndAFileOfOneNameAreAmbiguous(name: String, type: Character) throws {
        var tar = TarBytes()
        tar.member("blobs/", type: "5")
        tar.member("index.json", data: [1])
        tar.member(name, type: type, link: "x")
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .ambiguousArchive)
        #expect(error?.message == "ambiguous archive: \"\(name)\" appears twice")
    }

    @Test(arguments: ["../index.json", "blobs/../index.json", "a/..", "x/../../y"])
    func dotDotMembersAreRefused(_ name: String) throws {
        var tar = TarBytes()
        tar.member("index.json", data: [1])
        tar.gnuLong(name)
        tar.member("short", data: [2])
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .ambiguousArchive)
        #expect(error?.message == "ambiguous archive: member \"\(name)\" has a \"..\" component (extractors that clean paths would file it elsewhere)")
    }

    @Test func checksumMismatchIsNotATar() throws {
        var tar = TarBytes()
        tar.member("good", data: [1])
        let second = tar.offset
        tar.member("bad", data: [2])
        tar.end()
        var bytes = tar.bytes
        bytes[Int(second)] ^= 1  // the name changes, the checksum does not
        var broken = TarBytes()
        broken.append(bytes)
        let error = refusal(broken)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "not a tar archive (header checksum mismatch at offset 1024)")
    }

    @Test func checksumThatIsNotOctalIsNotATar() throws {
        var tar = TarBytes()
        tar.member("bad", data: [2])
        var bytes = tar.bytes
        bytes[148] = UInt8(ascii: "9")
        var broken = TarBytes()
        broken.append(bytes)
        let error = refusal(broken)
        #expect(error?.message == "not a tar archive (no valid header at offset 0)")
    }

    @Test func shortFilesAreRefused() throws {
        var tiny = TarBytes()
        tiny.append(Array("hello".utf8))
        #expect(refusal(tiny)?.message == "not a tar archive (shorter than one tar header)")

        var cut = TarBytes()
        cut.member("first", data: [1])
        cut.append([UInt8](repeating: 1, count: 100))
        #expect(refusal(cut)?.message == "truncated tar: a header at offset 1024 is cut short")

        var dataCut = TarBytes()
        dataCut.member("first", size: 4096)
        let error = refusal(dataCut)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "truncated tar: member at offset 0 declares 4096 bytes past the end of the file")
    }

    @Test(arguments: ["pax", "gnu"])
    func archiveEndingAfterAnExtendedHeaderIsTruncated(_ kind: String) throws {
        var tar = TarBytes()
        tar.member("first", data: [1])
        if kind == "pax" { tar.pax([("path", "next")]) } else { tar.gnuLong("next") }
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "truncated tar: ends after an extended header")
    }

    @Test(arguments: ["5 a=b\n", "7 a=b\n", "5 ab\n\n", "x a=b\n", "0 a=b\n"])
    func malformedPaxRecordsAreRefused(_ record: String) throws {
        var tar = TarBytes()
        tar.member("PaxHeaders/x", type: "x", data: Array(record.utf8))
        tar.member("member", data: [1])
        tar.end()
        let error = refusal(tar)
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "malformed pax header record")
    }

    @Test func extendedHeaderOverOneMebibyteIsRefused() throws {
        var tar = TarBytes()
        tar.member("././@LongLink", type: "L", size: 1 << 20 + 1)
        let url = try tar.write(length: 512 + 2 << 20)
        let error = #expect(throws: ManifoldError.self) { try TarIndex(file: OpenFile(path: url.path)) }
        #expect(error?.code == .invalidLayout)
        #expect(error?.message == "tar extended header at offset 0 is larger than 1 MiB")
    }

    @Test func memberCountIsLimited() throws {
        var tar = TarBytes()
        for number in 0..<4 { tar.member("m\(number)", data: [1]) }
        tar.end()
        #expect(try tar.index(maxEntries: 4).entries.count == 4)
        let error = refusal(tar, maxEntries: 3)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message == "tar has more than 3 members (the limit)")
    }

    // MARK: agreement with another reader

    /// Python's tarfile writes long names and links as GNU records or pax records; the index
    /// finds every member where tarfile itself says its data is.
    @Test(arguments: ["gnu", "pax"])
    func offsetsAgreeWithPythonTarfile(_ format: String) throws {
        let directory = try ImageFixtures.temporaryDirectory()
        let script = directory.appendingPathComponent("make.py")
        try Data("""
            import io, json, sys, tarfile
            form = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[sys.argv[2]]
            long = "d" * 120 + "/" + "f" * 130
            with tarfile.open(sys.argv[1], "w", format=form) as tar:
                for name, size in [(long, 700), ("short", 3), ("caf\\u00e9/\\u00fc", 512), ("empty", 0)]:
                    info = tarfile.TarInfo(name)
                    info.size = size
                    tar.addfile(info, io.BytesIO(b"x" * size))
                for name, kind in [("sym", tarfile.SYMTYPE), ("hard", tarfile.LNKTYPE)]:
                    info = tarfile.TarInfo(name)
                    info.type, info.linkname = kind, "t" * 150
                    tar.addfile(info)
                info = tarfile.TarInfo("dir")
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            with tarfile.open(sys.argv[1]) as tar:
                print(json.dumps([{"name": m.name, "offset": m.offset_data, "size": m.size, "link": m.linkname} for m in tar.getmembers()]))
            """.utf8).write(to: script)
        let archive = directory.appendingPathComponent("python.tar").path
        let listing = try shell("python3 '\(script.path)' '\(archive)' \(format)")
        struct Member: Decodable, Equatable {
            let name: String, offset: UInt64, size: UInt64, link: String
        }
        let members = try JSONDecoder().decode([Member].self, from: Data(listing.utf8))
        #expect(members.count == 7)
        let index = try TarIndex(file: OpenFile(path: archive))
        #expect(index.entries.map { Member(name: $0.name, offset: $0.offset, size: $0.size, link: $0.linkName) } == members)
    }
}
