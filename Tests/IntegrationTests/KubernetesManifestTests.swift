import Foundation
import PeriscopeConfig
import Testing
import Yams

/// deploy/kubernetes/ agrees with the gateway it deploys: the probes and ports are those of the ConfigMap's
/// `periscope.yaml`, the grace period covers its drain, the Services and the ServiceMonitor reach the right
/// container ports, the generated PrometheusRule holds exactly the groups of alerts/*.yml, and
/// kustomization.yaml lists every manifest.
@Suite struct KubernetesManifests {
    static let repository = Repository.root
    static let folder = Self.repository.appendingPathComponent("deploy/kubernetes")

    /// Every document of the YAML file at `url`.
    static func documents(_ url: URL) throws -> [Node] {
        var sequence = try Yams.compose_all(yaml: String(contentsOf: url, encoding: .utf8))
        var nodes: [Node] = []
        while let node = sequence.next() { nodes.append(node) }
        if let error = sequence.error { throw error }
        return nodes
    }

    /// The names of the YAML files in deploy/kubernetes/, sorted.
    static func yamlFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
    }

    /// The parsed folder: its objects, the gateway's container and the config of the ConfigMap it mounts.
    struct Manifests {
        var objects: [Node]
        var config: GatewayConfig
        var podSpec: Node
        var container: Node
        /// The container's ports by name.
        var ports: [String: Int]

        init() throws {
            let objects = try KubernetesManifests.yamlFiles().filter { $0 != "kustomization.yaml" }
                .flatMap { try KubernetesManifests.documents(KubernetesManifests.folder.appendingPathComponent($0)) }
            let deployment = try Self.find("Deployment", "periscope", in: objects)
            let podSpec = try #require(deployment["spec"]?["template"]?["spec"], "the Deployment has no pod spec")
            let containers = podSpec["containers"]?.array() ?? []
            try #require(containers.count == 1, "the Deployment should run one container, found \(containers.count)")
            var ports: [String: Int] = [:]
            for port in containers[0]["ports"]?.array() ?? [] {
                if let name = port["name"]?.string, let number = port["containerPort"]?.int { ports[name] = number }
            }
            let configMaps = (podSpec["volumes"]?.array() ?? []).compactMap { $0["configMap"]?["name"]?.string }
            let configMapName = try #require(configMaps.first, "the Deployment mounts no ConfigMap")
            let configMap = try Self.find("ConfigMap", configMapName, in: objects)
            let yaml = try #require(configMap["data"]?["periscope.yaml"]?.string, "the ConfigMap has no periscope.yaml")
            self.objects = objects
            self.config = try ConfigLoader.parse(yaml: yaml, file: "deploy/kubernetes/configmap.yaml#periscope.yaml")
            self.podSpec = podSpec
            self.container = containers[0]
            self.ports = ports
        }

        /// The one object of `kind` (named `name`, if given) among `objects`.
        static func find(_ kind: String, _ name: String? = nil, in objects: [Node]) throws -> Node {
            let found = objects.filter {
                $0["kind"]?.string == kind && (name == nil || $0["metadata"]?["name"]?.string == name)
            }
            try #require(
                found.count == 1, "expected one \(kind) \(name ?? "") in deploy/kubernetes, found \(found.count)")
            return found[0]
        }

        /// The one object of `kind` (named `name`, if given).
        func object(_ kind: String, _ name: String? = nil) throws -> Node {
            try Self.find(kind, name, in: self.objects)
        }

        /// A port given as a number or as the name of a container port (probes, Service targetPort).
        func containerPort(_ port: Node?) -> Int? {
            guard let port else { return nil }
            return port.int ?? port.string.flatMap { self.ports[$0] }
        }
    }

    @Test("probes: /livez, /readyz and /startupz on the admin port of the config, which binds every interface")
    func probesUseTheAdminListener() throws {
        let manifests = try Manifests()
        let admin = manifests.config.admin.address
        #expect(["0.0.0.0", "::"].contains(admin.host), "admin.address \(admin) is not reachable from the kubelet")
        #expect(
            manifests.ports["admin"] == admin.port, "container port 'admin' is not admin.address's port \(admin.port)")
        for (probe, path) in [
            ("livenessProbe", "/livez"), ("readinessProbe", "/readyz"), ("startupProbe", "/startupz"),
        ] {
            let get = try #require(manifests.container[probe]?["httpGet"], "\(probe) is not an httpGet probe")
            #expect(get["path"]?.string == path, "\(probe) should get \(path)")
            #expect(
                manifests.containerPort(get["port"]) == admin.port, "\(probe) is not on the admin port \(admin.port)")
        }
    }

    @Test("drain: the grace period covers delay + timeout + 5s, and readiness fails within drain.delay")
    func gracePeriodCoversTheDrain() throws {
        let manifests = try Manifests()
        let drain = manifests.config.drain
        let grace = try #require(
            manifests.podSpec["terminationGracePeriodSeconds"]?.int, "no terminationGracePeriodSeconds")
        #expect(
            Duration.seconds(grace) >= drain.delay + drain.timeout + .seconds(5),
            "terminationGracePeriodSeconds \(grace) < drain.delay \(drain.delay) + drain.timeout \(drain.timeout) + 5s")
        // Kubernetes' defaults: periodSeconds 10, failureThreshold 3.
        let readiness = manifests.container["readinessProbe"]
        let detection = (readiness?["periodSeconds"]?.int ?? 10) * (readiness?["failureThreshold"]?.int ?? 3)
        #expect(
            Duration.seconds(detection) < drain.delay,
            "readiness takes up to \(detection)s to fail; it must fail within drain.delay \(drain.delay)")
    }

    @Test("ports: the Service targets the listener, the ServiceMonitor scrapes /metrics on the admin port")
    func servicesReachTheContainer() throws {
        let manifests = try Manifests()
        try #require(manifests.config.listeners.count == 1, "expected one listener in the ConfigMap's config")
        let listenerPort = manifests.config.listeners[0].address.port
        #expect(
            manifests.ports["http"] == listenerPort, "container port 'http' is not the listener's port \(listenerPort)")

        let podLabels = try manifests.object("Deployment", "periscope")["spec"]?["template"]?["metadata"]?["labels"]
        let services = manifests.objects.filter { $0["kind"]?.string == "Service" }
        for service in services {
            let selector = service["spec"]?["selector"]?.mapping ?? [:]
            #expect(
                !selector.isEmpty && selector.allSatisfy { podLabels?[$0.key] == $0.value },
                "Service \(service["metadata"]?["name"]?.string ?? "?") does not select the gateway's pods")
        }
        let gateway = try manifests.object("Service", "periscope")
        let targets = (gateway["spec"]?["ports"]?.array() ?? []).map {
            manifests.containerPort($0["targetPort"] ?? $0["port"])
        }
        #expect(
            targets.contains(listenerPort),
            "Service periscope has no port targeting the listener's port \(listenerPort)")

        let monitor = try manifests.object("ServiceMonitor")
        let matchLabels = monitor["spec"]?["selector"]?["matchLabels"]?.mapping ?? [:]
        let scraped = services.filter { service in
            matchLabels.allSatisfy { service["metadata"]?["labels"]?[$0.key] == $0.value }
        }
        try #require(!scraped.isEmpty, "the ServiceMonitor's selector matches no Service")
        let endpoints = monitor["spec"]?["endpoints"]?.array() ?? []
        try #require(!endpoints.isEmpty, "the ServiceMonitor has no endpoints")
        for endpoint in endpoints {
            let name = endpoint["port"]?.string
            let target = scraped.flatMap { $0["spec"]?["ports"]?.array() ?? [] }.first { $0["name"]?.string == name }
            #expect(
                target.flatMap { manifests.containerPort($0["targetPort"] ?? $0["port"]) }
                    == manifests.config.admin.address.port,
                "ServiceMonitor port '\(name ?? "?")' is not a port of the selected Service targeting the admin port")
            #expect(endpoint["path"]?.string == "/metrics", "ServiceMonitor endpoint path should be /metrics")
        }
    }

    @Test("prometheusrule.yaml holds the groups of alerts/*.yml, in order (python3 Scripts/generate-prometheusrule.py)")
    func prometheusRuleMatchesTheAlerts() throws {
        let alerts = Self.repository.appendingPathComponent("alerts")
        let files = try FileManager.default.contentsOfDirectory(atPath: alerts.path)
            .filter { $0.hasSuffix(".yml") && !$0.hasPrefix(".") }
            .sorted()
        let expected = try files.flatMap { file in
            try Self.documents(alerts.appendingPathComponent(file)).first?["groups"]?.array() ?? []
        }
        let rule = try Manifests.find(
            "PrometheusRule", "periscope-rules",
            in: Self.documents(Self.folder.appendingPathComponent("prometheusrule.yaml")))
        let groups = rule["spec"]?["groups"]?.array() ?? []
        #expect(!groups.isEmpty, "the PrometheusRule has no groups")
        let hint = "prometheusrule.yaml is out of date: run python3 Scripts/generate-prometheusrule.py"
        #expect(groups.map { $0["name"]?.string } == expected.map { $0["name"]?.string }, "group names differ; \(hint)")
        for (group, wanted) in zip(groups, expected) {
            let same = group == wanted  // deep equality of the parsed values (not of their layout or comments)
            #expect(same, "group '\(wanted["name"]?.string ?? "?")' differs from its file in alerts/; \(hint)")
        }
    }

    @Test("kustomization.yaml lists every other manifest of the folder, and each starts with a comment")
    func kustomizationListsEveryManifest() throws {
        let documents = try Self.documents(Self.folder.appendingPathComponent("kustomization.yaml"))
        let kustomization = try #require(documents.first, "kustomization.yaml is empty")
        let resources = (kustomization["resources"]?.array() ?? []).compactMap(\.string)
        let others = try Self.yamlFiles().filter { $0 != "kustomization.yaml" }
        #expect(resources.sorted() == others, "kustomization.yaml resources \(resources) != the folder's \(others)")
        for file in try Self.yamlFiles() {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(file) should start with a comment saying what it is")
        }
    }
}
