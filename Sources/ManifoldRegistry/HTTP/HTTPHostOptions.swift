/// How the client may talk to one host: TLS verification, extra trust and a client
/// certificate (what `--cert-dir`, `/etc/containers/certs.d/HOST/` and `--tls-verify=false`
/// configure), and whether plain http is allowed.
package struct HTTPHostOptions: Sendable, Equatable {
    /// Verify the server's certificate chain and name. On by default; off only for
    /// `--tls-verify=false`.
    package var verifiesTLS: Bool
    /// A PEM file of CA certificates trusted for this host, in addition to the system store
    /// (whose directory, `/etc/ssl/certs`, curl keeps using).
    package var caFile: String?
    /// PEM CA certificates (any number, concatenated) trusted for this host in addition to
    /// the system store, handed to curl in memory: every `*.crt` of a cert directory, where
    /// curl takes one CA file. Wins over ``caFile``.
    package var caCertificates: [UInt8]?
    /// A directory of hashed CA certificates (`openssl rehash`) trusted in place of the
    /// system's directory; the system's CA bundle file stays trusted.
    package var caDirectory: String?
    /// A PEM client certificate presented when the server asks for one.
    package var clientCertificateFile: String?
    /// The PEM private key of ``clientCertificateFile``.
    package var clientKeyFile: String?
    /// Whether an `http://` URL may be used for this host. Off by default: plain http only
    /// when the caller says so (`--tls-verify=false`, or docker's rule for localhost).
    package var allowsPlainHTTP: Bool

    package init(
        verifiesTLS: Bool = true, caFile: String? = nil, caDirectory: String? = nil,
        clientCertificateFile: String? = nil, clientKeyFile: String? = nil, allowsPlainHTTP: Bool = false
    ) {
        self.verifiesTLS = verifiesTLS
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.allowsPlainHTTP = allowsPlainHTTP
    }
}
