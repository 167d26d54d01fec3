/// Reads the `otlp` section (see ``OTLPConfig``).
enum OTLPDecoder {
    static let keys = [
        "endpoint", "traces_endpoint", "metrics_endpoint", "headers", "compression", "timeout", "schedule_delay",
        "max_queue_size", "max_export_batch_size", "metric_export_interval", "metrics_temporality", "service_name",
        "resource_attributes",
    ]

    static func decode(_ mapping: MappingReader) -> OTLPConfig {
        var otlp = OTLPConfig()
        otlp.present = true
        otlp.endpoint = mapping["endpoint"].flatMap(Self.url)
        otlp.tracesEndpoint = mapping["traces_endpoint"].flatMap(Self.url)
        otlp.metricsEndpoint = mapping["metrics_endpoint"].flatMap(Self.url)
        if let headers = mapping["headers"]?.entries() {
            otlp.headers = Dictionary(headers.compactMap { key, _, value in value.string().map { (key, $0) } }) {
                $1
            }
        }
        otlp.compression = mapping["compression"]?.oneOf(["none", "gzip"])
        otlp.timeout = mapping["timeout"]?.duration()
        otlp.scheduleDelay = mapping["schedule_delay"]?.duration()
        otlp.maxQueueSize = mapping["max_queue_size"]?.int(minimum: 1)
        otlp.maxExportBatchSize = mapping["max_export_batch_size"]?.int(minimum: 1)
        otlp.metricExportInterval = mapping["metric_export_interval"]?.duration()
        otlp.metricsTemporality = mapping["metrics_temporality"]?.oneOf(["cumulative", "delta"])
        otlp.serviceName = mapping["service_name"]?.nonEmptyString()
        for (key, _, value) in mapping["resource_attributes"]?.entries() ?? [] {
            if let text = value.string() { otlp.resourceAttributes[key] = text }
        }
        return otlp
    }

    /// An `http://` or `https://` URL (https is reported when the exporter starts, not here).
    private static func url(_ node: NodeReader) -> String? {
        guard let text = node.nonEmptyString() else { return nil }
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
            node.error("'\(text)' is not an http:// URL", hint: "e.g. http://127.0.0.1:4318")
            return nil
        }
        return text
    }
}
