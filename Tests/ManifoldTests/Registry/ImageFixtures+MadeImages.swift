import Foundation
import Testing

extension ImageFixtures {
    /// An OCI layout of `images` two-platform images tagged `img1`, `img2`…, each of `layers` random
    /// gzip layers between `minMB` and `maxMB`, the first `shared` of them (per platform) the
    /// same in every image: written by Vectors/registry/make_images.py into `directory/images`.
    static func madeImages(in directory: URL, images: Int, layers: Int, shared: Int, minMB: String, maxMB: String) throws -> URL {
        let layout = directory.appendingPathComponent("images")
        let made = try run("/usr/bin/python3", [vectorsDirectory.appendingPathComponent("registry/make_images.py").path, layout.path,
                                                "--images", "\(images)", "--layers", "\(layers)", "--shared", "\(shared)",
                                                "--min-mb", minMB, "--max-mb", maxMB])
        #expect(made.status == 0, "\(made.stderr)")
        return layout
    }
}
