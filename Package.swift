// swift-tools-version: 6.0
// manifold: verify, inspect and pack container images offline.
import PackageDescription
import Foundation

let package = Package(
    name: "manifold",
    platforms: [.macOS(.v15)],
    products: [
        // Both library targets: ManifoldBlob's API is part of Manifold's (Manifold re-exports it).
        .library(name: "Manifold", targets: ["Manifold", "ManifoldBlob"]),
        // The registry client (the read side for now); joins the Manifold product once the
        // commands use it.
        .library(name: "ManifoldRegistry", targets: ["ManifoldRegistry"]),
        .executable(name: "manifold", targets: ["ManifoldCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C system libraries (CCurl aside, below). Each has a shim.h for what Swift cannot import directly
        // (function-like macros, pointer-type mismatches); none of their types is public API.
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CISAL", pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"]), .brew(["isa-l"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        // HTTP for the registry client only: the core library builds and works without it.
        // Not linked: CCurl loads libcurl.so.4 with dlopen at the first registry operation,
        // so local commands never load it (nor the thirty-odd libraries it needs). curl's
        // headers (libcurl4-openssl-dev) are still needed to build, for the types.
        .target(name: "CCurl"),

        // Linux calls Swift cannot make itself (variadic ioctl, renameat2); no library.
        .systemLibrary(name: "CSystem"),

        // Bytes in, facts out: digests, decompression and the one-pass blob measurer, with the
        // errors and file access they need. Knows nothing of images (no Descriptor, MediaType
        // or Problem): a target boundary, so a dependency on the image model is a compile error.
        .target(
            name: "ManifoldBlob",
            dependencies: ["COpenSSL", "CZlib", "CISAL", "CZstd"]),
        // The image model, the local formats (OCI layout, oci-archive, docker save), the walk
        // over the image graph, verify, inspect, pack and the sinks.
        .target(
            name: "Manifold",
            dependencies: ["ManifoldBlob", "CSystem"]),
        // The registry client: references, auth, credentials, HTTP over libcurl (HTTP/), and
        // later the registry ContentProvider. A target of its own so that libcurl stays out of
        // the core, which builds and works without it.
        .target(
            name: "ManifoldRegistry",
            dependencies: ["Manifold", "ManifoldBlob", "CCurl"]),
        .executableTarget(
            name: "ManifoldCLI",
            dependencies: [
                "Manifold",
                "ManifoldRegistry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "ManifoldTests",
            // CZlib, CZstd: the tests compress large inputs themselves instead of committing them.
            // ManifoldCLI: so `swift test` builds the binary the end-to-end tests run.
            dependencies: ["Manifold", "ManifoldBlob", "ManifoldRegistry", "CZlib", "CZstd", "ManifoldCLI"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, only when asked for (`make fuzz` sets MANIFOLD_FUZZ): libFuzzer provides
// main(), so this executable cannot link in an ordinary build.
if ProcessInfo.processInfo.environment["MANIFOLD_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "ManifoldFuzz", dependencies: ["Manifold", "ManifoldBlob", "ManifoldRegistry", "CSystem"], path: "Fuzz/ManifoldFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: "manifold-fuzz", targets: ["ManifoldFuzz"]))
}
