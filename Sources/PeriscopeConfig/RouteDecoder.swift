/// Reads one `listeners[].routes[]` entry and its `match`.
enum RouteDecoder {
    static let keys = [
        "name", "match", "cluster", "timeout", "idle_timeout", "max_body_bytes", "slo", "deadline_header", "retry",
        "hedge",
    ]
    static let matchKeys = ["host", "path", "prefix", "methods"]

    /// Decodes a route; on errors the result holds placeholders (and the errors are reported).
    static func decode(_ node: NodeReader) -> RouteConfig {
        var route = RouteConfig(name: "", match: RouteMatch(), cluster: "")
        guard let mapping = node.mapping(keys: Self.keys) else {
            return route
        }
        route.name = mapping.required("name")?.nonEmptyString() ?? ""
        if let match = mapping.required("match")?.mapping(keys: Self.matchKeys) {
            route.match = Self.match(match)
        }
        route.cluster = mapping.required("cluster")?.nonEmptyString() ?? ""
        if let timeout = mapping["timeout"]?.duration() {
            route.timeout = timeout
        }
        if let idleTimeout = mapping["idle_timeout"]?.duration() {
            route.idleTimeout = idleTimeout
        }
        route.maxBodyBytes = mapping["max_body_bytes"]?.byteSize(minimum: 1)
        route.slo = mapping["slo"].flatMap(RouteSLODecoder.decode)
        if let hedge = mapping["hedge"]?.mapping(keys: ["delay"]), let delay = hedge.required("delay")?.duration() {
            route.hedge = HedgeConfig(delay: delay)
        }
        if let retry = mapping["retry"]?.mapping(keys: HealthDecoder.retryKeys) {
            route.retry = HealthDecoder.retry(retry)
        }
        if let node = mapping["deadline_header"], let name = node.nonEmptyString() {
            do {
                route.deadlineHeader = try HeaderName.validate(name)
            } catch {
                node.error(error)
            }
        }
        return route
    }

    private static func match(_ mapping: MappingReader) -> RouteMatch {
        var match = RouteMatch()
        if let hosts = mapping["host"]?.scalarOrList() {
            match.hosts = Self.unique(hosts.compactMap(Self.host))
        }
        switch (mapping["path"], mapping["prefix"]) {
        case (let path?, nil):
            match.path = Self.pattern(path, validate: PathPattern.validatePath)
        case (nil, let prefix?):
            match.prefix = Self.pattern(prefix, validate: PathPattern.validatePrefix)
        case (_?, let prefix?):
            mapping.error(
                "set either path or prefix, not both",
                at: prefix.mark,
                hint: "path matches a whole path (with {params} or a trailing *), prefix any path starting with it"
            )
        case (nil, nil):
            mapping.error("a route needs a path or a prefix", hint: "use prefix: / to match every path")
        }
        if let methods = mapping["methods"]?.scalarOrList() {
            match.methods = Self.unique(methods.compactMap(Self.method))
        }
        return match
    }

    private static func host(_ node: NodeReader) -> String? {
        guard let text = node.string() else { return nil }
        do {
            return try HostPattern.normalize(text)
        } catch {
            node.error(error)
            return nil
        }
    }

    private static func method(_ node: NodeReader) -> String? {
        guard let text = node.string() else { return nil }
        do {
            return try MethodToken.normalize(text)
        } catch {
            node.error(error)
            return nil
        }
    }

    private static func pattern(_ node: NodeReader, validate: (String) throws(ValueProblem) -> Void) -> String? {
        guard let text = node.string() else { return nil }
        do {
            try validate(text)
            return text
        } catch {
            node.error(error)
            return nil
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
