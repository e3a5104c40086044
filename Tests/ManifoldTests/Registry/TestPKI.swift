import Foundation

/// The certificates of one test's registries, made by Vectors/registry/make-pki.sh with
/// `openssl`: a CA, a server certificate for 127.0.0.1 and localhost, and the token signer's.
struct TestPKI {
    let directory: URL

    /// Makes a fresh CA and certificates in `directory` (about a second: three RSA keys).
    init(in directory: URL) throws {
        self.directory = directory
        _ = try shell("sh '\(vectorsDirectory.path)/registry/make-pki.sh' '\(directory.path)'")
    }

    /// The CA every test client must trust (PEM).
    var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    /// A cert-dir layout (`DIR/ca.crt`) for `skopeo --cert-dir` and manifold's `--cert-dir`.
    var certDirectory: URL { directory.appendingPathComponent("certs.d") }
    var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    var serverKey: URL { directory.appendingPathComponent("server.key") }
    /// The token server's signing certificate (issued by the CA; sent in each JWT's `x5c`).
    var tokenCertificate: URL { directory.appendingPathComponent("token.crt") }
    var tokenKey: URL { directory.appendingPathComponent("token.key") }
}
