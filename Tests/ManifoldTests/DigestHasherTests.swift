import Foundation
import Testing
@testable import Manifold

/// Known answers from Vectors/digest/known-answers.tsv (computed by coreutils, FIPS 180
/// examples checked), each fed whole and split at awkward points.
@Suite struct DigestHasherTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let name: String
        let input: [UInt8]
        let algorithm: DigestAlgorithm
        let digest: String
        var testDescription: String { "\(name) \(algorithm)" }
    }

    static let vectors: [Vector] = {
        guard let rows = try? vectorTable("digest/known-answers.tsv") else { return [] }
        return rows.map { row in
            let algorithm: DigestAlgorithm = row[2] == "sha512" ? .sha512 : .sha256
            return Vector(name: row[0], input: makeInput(row[1]), algorithm: algorithm, digest: row[3])
        }
    }()

    static func makeInput(_ spec: String) -> [UInt8] {
        let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
        switch parts[0] {
        case "empty": return []
        case "text": return Array(parts[1].utf8)
        case "repeat": return [UInt8](repeating: parts[1].utf8.first!, count: Int(parts[2])!)
        case "counting": return (0..<Int(parts[1])!).map { UInt8($0 % 251) }
        default: fatalError("unknown input spec \(spec)")
        }
    }

    @Test func vectorTableIsThere() {
        #expect(Self.vectors.count >= 50)
    }

    @Test(arguments: vectors)
    func knownAnswer(_ vector: Vector) throws {
        #expect(try DigestHasher.digest(of: vector.input, algorithm: vector.algorithm).description == vector.digest)
        for piece in [1, 7, 63, 64, 65, 127, 128, 129] where piece < max(vector.input.count, 2) {
            var hasher = try DigestHasher(vector.algorithm)
            var start = 0
            while start < vector.input.count {
                let end = min(start + piece, vector.input.count)
                try hasher.update(data: vector.input[start..<end])
                start = end
            }
            #expect(try hasher.finalize().description == vector.digest, "split every \(piece) bytes")
        }
    }

    @Test func copiesForkTheState() throws {
        var first = try DigestHasher(.sha256)
        try first.update(data: Array("ab".utf8))
        var second = first
        try first.update(data: Array("c".utf8))
        try second.update(data: Array("x".utf8))
        #expect(try first.finalize() == DigestHasher.digest(of: Array("abc".utf8)))
        #expect(try second.finalize() == DigestHasher.digest(of: Array("abx".utf8)))
        // finalize does not consume: more bytes can follow.
        try first.update(data: Array("d".utf8))
        #expect(try first.finalize() == DigestHasher.digest(of: Array("abcd".utf8)))
    }

    @Test func refusesUnregisteredAlgorithms() throws {
        let blake3 = try DigestAlgorithm("blake3")
        #expect(!blake3.isVerifiable)
        #expect(errorCode { _ = try DigestHasher(blake3) } == .unsupportedAlgorithm)
    }
}
