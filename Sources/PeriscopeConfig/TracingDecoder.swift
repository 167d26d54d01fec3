/// Reads the `tracing` section (see ``TracingConfig``).
enum TracingDecoder {
    static let keys = [
        "enabled", "propagation", "sampler", "ratio", "trust_incoming_sampled", "keep_errors", "keep_slower_than",
        "buffer_size", "opt_in_attributes",
    ]
    static let samplers = [
        "parentbased_traceidratio", "parentbased_always_on", "parentbased_always_off", "traceidratio", "always_on",
        "always_off",
    ]

    static func decode(_ mapping: MappingReader) -> TracingConfig {
        var tracing = TracingConfig()
        tracing.enabled = mapping["enabled"]?.bool()
        if let propagation = mapping["propagation"]?.oneOf(["w3c", "b3", "b3multi", "w3c_and_b3"]) {
            tracing.propagation = propagation
        }
        if let sampler = mapping["sampler"]?.oneOf(Self.samplers) { tracing.sampler = sampler }
        if let node = mapping["ratio"], let ratio = node.number() {
            if ratio.isFinite && (0...1).contains(ratio) {
                tracing.ratio = ratio
            } else {
                node.error("ratio must be between 0 and 1", hint: "0.1 samples one new trace in ten")
            }
        }
        if let trust = mapping["trust_incoming_sampled"]?.bool() { tracing.trustIncomingSampled = trust }
        if let keep = mapping["keep_errors"]?.bool() { tracing.keepErrors = keep }
        tracing.keepSlowerThan = mapping["keep_slower_than"]?.duration()
        if let size = mapping["buffer_size"]?.int(minimum: 16) { tracing.bufferSize = size }
        if let names = mapping["opt_in_attributes"]?.list() {
            tracing.optInAttributes = Set(names.compactMap { $0.oneOf(TracingConfig.optInAttributeNames) })
        }
        return tracing
    }
}
