import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

@Suite struct OTLPMetricNamingTests {
    private func family(_ kind: MetricKind, _ name: String, unit: String? = nil) -> MetricFamilySnapshot {
        MetricFamilySnapshot(kind: kind, name: name, unit: unit, labelNames: [], series: [])
    }

    @Test func defaultDropsOnlyTheCounterSuffix() {
        let naming = OTLPMetricNaming.droppingTypeSuffix
        #expect(
            naming.metricName(for: self.family(.counter, "periscope_http_requests_total")) == "periscope_http_requests")
        #expect(
            naming.metricName(for: self.family(.counter, "process_cpu_seconds_total", unit: "seconds"))
                == "process_cpu_seconds"
        )
        #expect(
            naming.metricName(for: self.family(.histogram, "periscope_http_request_duration_seconds", unit: "seconds"))
                == "periscope_http_request_duration_seconds"
        )
        #expect(
            naming.metricName(for: self.family(.gauge, "process_resident_memory_bytes", unit: "bytes"))
                == "process_resident_memory_bytes"
        )
        // Only counters have a type suffix: a gauge that happens to end in `_total` keeps it.
        #expect(naming.metricName(for: self.family(.gauge, "pool_total")) == "pool_total")
        // A name that is only the suffix stays as it is.
        #expect(naming.metricName(for: self.family(.counter, "_total")) == "_total")
    }

    @Test func unalteredKeepsEveryName() {
        let naming = OTLPMetricNaming.unaltered
        #expect(
            naming.metricName(for: self.family(.counter, "periscope_http_requests_total"))
                == "periscope_http_requests_total")
        #expect(naming.metricName(for: self.family(.histogram, "x_seconds", unit: "seconds")) == "x_seconds")
    }

    @Test func droppingUnitSuffixesToo() {
        let naming = OTLPMetricNaming.droppingTypeAndUnitSuffixes
        #expect(
            naming.metricName(for: self.family(.counter, "process_cpu_seconds_total", unit: "seconds")) == "process_cpu"
        )
        #expect(naming.metricName(for: self.family(.histogram, "x_seconds", unit: "seconds")) == "x")
        #expect(naming.metricName(for: self.family(.gauge, "memory_bytes", unit: "bytes")) == "memory")
        // Without a declared unit, a unit-like suffix is just part of the name.
        #expect(naming.metricName(for: self.family(.gauge, "memory_bytes")) == "memory_bytes")
        #expect(naming.metricName(for: self.family(.counter, "requests_total")) == "requests")
        #expect(naming.metricName(for: self.family(.gauge, "_seconds", unit: "seconds")) == "_seconds")
    }

    @Test func prometheusUnitsBecomeUCUM() {
        let cases: [(String?, String)] = [
            (nil, ""),
            ("", ""),
            ("seconds", "s"),
            ("milliseconds", "ms"),
            ("microseconds", "us"),
            ("nanoseconds", "ns"),
            ("minutes", "min"),
            ("hours", "h"),
            ("days", "d"),
            ("bytes", "By"),
            ("kibibytes", "KiBy"),
            ("megabytes", "MBy"),
            ("bits", "bit"),
            ("ratio", "1"),
            ("percent", "%"),
            ("celsius", "Cel"),
            ("hertz", "Hz"),
            ("volts", "V"),
            ("bytes_per_second", "By/s"),
            ("requests_per_second", "requests/s"),
            ("per_second", "1/s"),
            ("requests", "requests"),
            ("connections", "connections"),
        ]
        for (prometheus, otlp) in cases {
            #expect(OTLPMetricNaming.unit(forPrometheusUnit: prometheus) == otlp, "unit \(prometheus ?? "nil")")
        }
    }
}
