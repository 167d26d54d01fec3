/// Builds the YAML configs the tests run the gateway with (listeners always on `127.0.0.1:0`).
enum GatewayYAML {
    /// One listener `public` on a free port whose only route `all` sends every path to cluster `up`, whose only
    /// endpoint is `127.0.0.1:upstreamPort`.
    ///
    /// `listener`, `route` and `cluster` are extra keys for the listener, the route and the cluster, written
    /// without indentation (e.g. `"timeouts:\n  idle: 500ms"`); `top` is extra top-level YAML (e.g. `drain:`).
    static func proxyAll(
        to upstreamPort: Int,
        listener: String = "",
        route: String = "",
        cluster: String = "",
        top: String = ""
    ) -> String {
        Self.proxyAll(
            toEndpoints: ["127.0.0.1:\(upstreamPort)"], listener: listener, route: route, cluster: cluster, top: top)
    }

    /// ``proxyAll(to:listener:route:cluster:top:)`` with several endpoints — YAML list items without the dash
    /// (`127.0.0.1:9001`, `{address: 127.0.0.1:9002, weight: 3}`) — in a cluster named `clusterName`.
    static func proxyAll(
        toEndpoints endpoints: [String],
        clusterName: String = "up",
        listener: String = "",
        route: String = "",
        cluster: String = "",
        top: String = ""
    ) -> String {
        let items = endpoints.map { "- " + $0 }.joined(separator: "\n")
        return """
            listeners:
              - name: public
                address: 127.0.0.1:0
            \(indent(listener, by: 4))    routes:
                  - name: all
                    match: { prefix: / }
                    cluster: \(clusterName)
            \(indent(route, by: 8))clusters:
              - name: \(clusterName)
                endpoints:
            \(indent(items, by: 6))\(indent(cluster, by: 4))\(top.isEmpty ? "" : top + "\n")
            """
    }

    /// Indents every line of `text` by `spaces` and ends it with a newline (empty text stays empty).
    static func indent(_ text: String, by spaces: Int) -> String {
        guard !text.isEmpty else { return "" }
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
            + "\n"
    }
}
