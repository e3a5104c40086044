import Manifold

/// How often each blob's transfer had to be made again, for `--json`: a flaky network is
/// otherwise invisible in a run that succeeds, and a user (or a test) wants to see that the
/// client recovered rather than that nothing went wrong.
///
/// `retries`: the request was sent again from its first byte (a connection lost before any
/// byte of the answer, a 429/5xx, a 206 with the wrong range, a streamed upload sent again).
/// `resumed`: the transfer went on from the byte it reached (a `Range` GET, an upload chunk
/// continued from the registry's `Range`). One client's tally is shared by every thread.
package final class TransferTally: Sendable {
    package struct Counts: Sendable, Equatable {
        package var retries = 0
        package var resumed = 0
    }

    private let counts = Locked([Digest: Counts]())

    package init() {}

    package func retried(_ digest: Digest) {
        counts.withLock { $0[digest, default: Counts()].retries += 1 }
    }

    package func resumed(_ digest: Digest) {
        counts.withLock { $0[digest, default: Counts()].resumed += 1 }
    }

    /// Every blob that was retried or resumed, with its counts.
    package var byDigest: [Digest: Counts] { counts.withLock { $0 } }
}

extension TransferTally {
    /// The counts of several tallies (a copy's source and destination) added up per blob;
    /// a tally given twice (one client on both sides) is counted once.
    package static func merged(_ tallies: [TransferTally]) -> [Digest: Counts] {
        var seen = Set<ObjectIdentifier>()
        var merged: [Digest: Counts] = [:]
        for tally in tallies where seen.insert(ObjectIdentifier(tally)).inserted {
            for (digest, counts) in tally.byDigest {
                merged[digest, default: Counts()].retries += counts.retries
                merged[digest, default: Counts()].resumed += counts.resumed
            }
        }
        return merged
    }
}
