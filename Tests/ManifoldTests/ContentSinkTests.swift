import Foundation
import Testing
@testable import Manifold

/// A destination written only through the public ``ContentSink`` protocol, as a registry
/// would implement it: what it is given, in what order, and that it is committed or aborted.
final class RecordingSink: ContentSink {
    var blobs: [(descriptor: Descriptor, bytes: [UInt8])] = []
    var documents: [(descriptor: Descriptor, bytes: [UInt8])] = []
    var tags: [(tag: String?, descriptor: Descriptor)] = []
    /// Every digest put, blob or document, in the order put.
    var order: [String] = []
    var commits = 0
    var aborts = 0
    /// A blob whose put fails, as a lost connection would.
    var failing: Digest?

    func putBlob(_ descriptor: Descriptor, from body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        var bytes: [UInt8] = []
        try body { chunk in
            if descriptor.digest == self.failing { throw ManifoldError(.unwritable, "connection lost") }
            bytes += chunk
        }
        blobs.append((descriptor, bytes))
        order.append(descriptor.digest.description)
    }

    func putDocument(_ descriptor: Descriptor, bytes: [UInt8]) throws {
        documents.append((descriptor, bytes))
        order.append(descriptor.digest.description)
    }

    func setTag(_ tag: String?, for descriptor: Descriptor) throws {
        tags.append((tag, descriptor))
    }

    func commit() throws { commits += 1 }
    func abort() { aborts += 1 }
}

@Suite struct ContentSinkTests {
    let inputs = [fixture("docker-24.tar"), fixture("oci-two-platforms") + ":arm64"]

    func options(_ output: String) throws -> PackOptions {
        PackOptions(inputs: try inputs.map { try LocalImageReference(parsing: $0) }, output: output)
    }

    /// What a custom sink receives is exactly what the layout sink writes: the same blobs and
    /// documents, byte for byte, the manifests and index as documents, the index tagged.
    @Test func aCustomSinkGetsWhatALayoutGets() throws {
        let sink = RecordingSink()
        let result = try Packer(options: options("registry")).pack(into: sink)
        #expect(sink.commits == 1 && sink.aborts == 0)

        let layout = try ImageFixtures.temporaryDirectory().appendingPathComponent("out")
        _ = try Packer(options: options(layout.path)).pack()
        let files = try tree(layout)
        let put = sink.blobs + sink.documents
        #expect(put.count == files.count - 2)  // all but index.json and oci-layout
        for (descriptor, bytes) in put {
            #expect(try sha256(bytes) == descriptor.digest)
            #expect(files["/" + descriptor.digest.layoutPath] == Data(bytes), "\(descriptor.digest)")
        }
        let index = try #require(result.index)
        #expect(Set(sink.documents.map(\.descriptor.digest)) == Set([index.digest] + result.entries.map(\.descriptor.digest)))
        // In digest order: what keeps an oci-archive's members sorted.
        #expect(sink.order == sink.order.sorted())
        #expect(Set(sink.order).count == sink.order.count)
        #expect(sink.tags.map(\.tag) == ["latest"])
        #expect(sink.tags.first?.descriptor.digest == index.digest)
        let indexJSON = try ImageIndex(json: JSONParser.parse(Array(try #require(files["/index.json"]))), declaredMediaType: nil)
        #expect(indexJSON.manifests.map(\.digest) == [index.digest])
    }

    @Test func aFailedPutAbortsAndNeverCommits() throws {
        let sink = RecordingSink()
        let probe = RecordingSink()
        _ = try Packer(options: options("registry")).pack(into: probe)
        sink.failing = try #require(probe.blobs.last?.descriptor.digest)
        let error = #expect(throws: ManifoldError.self) { try Packer(options: options("registry")).pack(into: sink) }
        #expect(error?.message == "connection lost")
        #expect(sink.commits == 0 && sink.aborts >= 1)
        #expect(sink.tags.isEmpty)
    }

    @Test func flatRootsAreTaggedOneByOne() throws {
        let sink = RecordingSink()
        var flat = try options("registry")
        flat.flat = true
        flat.tag = "v1"
        let result = try Packer(options: flat).pack(into: sink)
        #expect(result.index == nil)
        #expect(sink.tags.map(\.tag) == ["v1-linux-amd64", "v1-linux-arm64"])
        #expect(sink.tags.map(\.descriptor.digest) == result.entries.map(\.descriptor.digest))
    }
}
