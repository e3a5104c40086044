/// The settings an ``HTTPClient`` applies to every transfer: timeouts, the low-speed
/// watchdog and the per-host TLS options.
///
/// Proxies are not configured here on purpose: curl reads `http_proxy`, `HTTPS_PROXY` (or
/// `https_proxy`), `ALL_PROXY` and `NO_PROXY` from the environment for every transfer, and
/// the client never sets an option that would override them.
package struct HTTPClientConfiguration: Sendable {
    /// How long establishing a connection (TCP and TLS) may take.
    package var connectTimeout: Duration
    /// The watchdog: a transfer slower than ``lowSpeedLimit`` bytes per second for
    /// ``lowSpeedTime`` fails with a timeout, so a stalled server cannot hold a run for ever.
    package var lowSpeedLimit: Int
    /// See ``lowSpeedLimit``; curl counts it in whole seconds (at least one).
    package var lowSpeedTime: Duration
    /// Sent as `User-Agent` unless a request sets its own.
    package var userAgent: String
    /// Options for hosts without an entry in ``hostOptions``.
    package var defaultHostOptions: HTTPHostOptions
    /// Options per host, keyed as `/etc/containers/certs.d` names its directories: `host:port`
    /// when the URL gives a port, else `host`. A `host:port` entry wins over a `host` one.
    package var hostOptions: [String: HTTPHostOptions]
    /// The most bytes curl hands the body closure at once (curl's receive buffer).
    package var receiveBufferSize: Int

    package init(
        connectTimeout: Duration = .seconds(30), lowSpeedLimit: Int = 1024, lowSpeedTime: Duration = .seconds(30),
        userAgent: String = "manifold", defaultHostOptions: HTTPHostOptions = HTTPHostOptions(),
        hostOptions: [String: HTTPHostOptions] = [:], receiveBufferSize: Int = 256 * 1024
    ) {
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.userAgent = userAgent
        self.defaultHostOptions = defaultHostOptions
        self.hostOptions = hostOptions
        self.receiveBufferSize = receiveBufferSize
    }

    /// The options for a URL's host: `host:port` (when the URL names a port), then `host`,
    /// then the default. The host is compared in lower case.
    package func options(host: String, port: String?) -> HTTPHostOptions {
        let host = host.lowercased()
        if let port, let options = hostOptions[host + ":" + port] { return options }
        return hostOptions[host] ?? defaultHostOptions
    }
}
