import NIOCore

extension SocketAddress {
    /// `127.0.0.1:8080` / `[::1]:8080`, as written in the config (NIO's description adds the family).
    public var hostPortDescription: String {
        let host = self.ipAddress ?? "?"
        let port = self.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
