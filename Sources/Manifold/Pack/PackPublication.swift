/// Where and how ``Packer/push(into:tags:jobs:progress:blobProgress:)`` publishes a pack: the
/// registry, the tags its top document gets (last), how many blobs go up at once, and who is
/// told of the bytes sent.
struct PackPublication {
    let sink: any ConcurrentContentSink
    let tags: [String]
    let jobs: Int
    let progress: (@Sendable (_ done: UInt64, _ total: UInt64) -> Void)?
    let blobProgress: ImagePusher.BlobProgress?
}
