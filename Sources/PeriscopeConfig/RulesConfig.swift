/// The `rules` section: Prometheus rule files evaluated in the process, and where their alerts go.
public struct RulesConfig: Sendable, Equatable {
    /// Rule file paths as written (relative ones are resolved against the config file's directory); a `*` or
    /// `?` in the last component is a glob.
    public var files: [String] = []
    /// How often groups without their own `interval` run (Prometheus' `evaluation_interval`).
    public var evaluationInterval: Duration = .seconds(15)
    /// `prometheus3` (default) or `prometheus2` PromQL semantics.
    public var semantics: String = "prometheus3"
    /// Labels added to alerts sent to Alertmanager when they lack them, and `$externalLabels` in templates.
    public var externalLabels: [String: String] = [:]
    /// The URL alerts link back to (`generatorURL`), and `$externalURL` in templates.
    public var externalURL: String = ""
    /// Alertmanagers that receive alerts (API v2).
    public var alertmanagers: [AlertmanagerConfig] = []
    /// The least time between two sends of the same firing alert (Prometheus' `--rules.alert.resend-delay`).
    public var resendDelay: Duration = .seconds(60)
    /// The most alerts waiting to be sent; older ones are dropped (and counted) beyond it.
    public var notificationQueueCapacity: Int = 10_000
    /// The most series the short-term sample store keeps; new series beyond it are not stored (and counted).
    public var maxStoredSeries: Int = 100_000

    public init() {}
}

/// One Alertmanager.
public struct AlertmanagerConfig: Sendable, Equatable {
    /// The base URL, e.g. `http://127.0.0.1:9093`; alerts are POSTed to `<url>/api/v2/alerts`.
    public var url: String
    /// The timeout of one POST.
    public var timeout: Duration

    public init(url: String, timeout: Duration = .seconds(10)) {
        self.url = url
        self.timeout = timeout
    }
}
