import PeriscopeTelemetry
import Testing

/// Exact exposition text for every family kind in both formats.
@Suite struct ExpositionGoldenTests {
    /// The overflow counter's metadata, which closes every exposition.
    private static let overflowHelp =
        "Bind calls whose new label values were folded into the family's _other series because the family had "
        + "reached its series limit."

    @Test func counterInBothFormats() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let loop0 = registry.shard(forEventLoop: 0)
        let loop1 = registry.shard(forEventLoop: 1)
        let requests = registry.counter(
            name: "periscope_http_requests_total",
            help: "Requests handled, by route, method and code.",
            labelNames: ["route", "method", "code"]
        )
        let ok = requests.bind(["api", "GET", "200"])
        ok.increment(shard: loop0)
        ok.add(2, shard: loop1)
        ok.increment()
        _ = requests.bind(["static", "GET", "404"])
        let bytes = registry.counter(
            name: "periscope_http_response_bytes_total",
            help: "Response body bytes sent.",
            unit: "bytes"
        )
        bytes.bind().add(1_048_576, shard: loop0)
        let busy = registry.counter(name: "periscope_busy_seconds_total", help: "Busy time.", unit: "seconds")
        busy.bind().add(0.25, shard: loop0)
        busy.bind().add(1, shard: loop1)

        #expect(
            registry.renderString(.prometheusText) == """
                # HELP periscope_http_requests_total Requests handled, by route, method and code.
                # TYPE periscope_http_requests_total counter
                periscope_http_requests_total{route="api",method="GET",code="200"} 4
                periscope_http_requests_total{route="static",method="GET",code="404"} 0
                # HELP periscope_http_response_bytes_total Response body bytes sent.
                # TYPE periscope_http_response_bytes_total counter
                periscope_http_response_bytes_total 1048576
                # HELP periscope_busy_seconds_total Busy time.
                # TYPE periscope_busy_seconds_total counter
                periscope_busy_seconds_total 1.25
                # HELP periscope_metric_series_overflow_total \(Self.overflowHelp)
                # TYPE periscope_metric_series_overflow_total counter
                periscope_metric_series_overflow_total{metric="periscope_http_requests_total"} 0

                """
        )
        #expect(
            registry.renderString(.openMetrics) == """
                # TYPE periscope_http_requests counter
                # HELP periscope_http_requests Requests handled, by route, method and code.
                periscope_http_requests_total{route="api",method="GET",code="200"} 4
                periscope_http_requests_total{route="static",method="GET",code="404"} 0
                # TYPE periscope_http_response_bytes counter
                # UNIT periscope_http_response_bytes bytes
                # HELP periscope_http_response_bytes Response body bytes sent.
                periscope_http_response_bytes_total 1048576
                # TYPE periscope_busy_seconds counter
                # UNIT periscope_busy_seconds seconds
                # HELP periscope_busy_seconds Busy time.
                periscope_busy_seconds_total 1.25
                # TYPE periscope_metric_series_overflow counter
                # HELP periscope_metric_series_overflow \(Self.overflowHelp)
                periscope_metric_series_overflow_total{metric="periscope_http_requests_total"} 0
                # EOF

                """
        )
    }

    @Test func gaugeInBothFormats() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let loop0 = registry.shard(forEventLoop: 0)
        let loop1 = registry.shard(forEventLoop: 1)
        let inFlight = registry.gauge(name: "periscope_http_requests_in_flight", help: "Requests in flight.")
        let handle = inFlight.bind()
        handle.increment(shard: loop0)
        handle.increment(shard: loop0)
        handle.increment(shard: loop1)
        handle.decrement(shard: loop0)
        handle.add(3)
        let healthy = registry.gauge(
            name: "periscope_upstream_endpoint_healthy",
            help: "1 when the endpoint passes health checks.",
            labelNames: ["cluster", "endpoint"]
        )
        healthy.bind(["users", "10.0.0.1:80"]).set(1)
        healthy.bind(["users", "10.0.0.2:80"]).set(0)
        let loaded = registry.gauge(
            name: "periscope_config_last_load_timestamp_seconds",
            help: "Unix time of the last successful config load.",
            unit: "seconds"
        )
        loaded.bind().set(1_700_000_000.5)
        let negative = registry.gauge(name: "periscope_test_offset", help: "An offset.")
        negative.bind().add(-2, shard: loop1)

        #expect(
            registry.renderString(.prometheusText) == """
                # HELP periscope_http_requests_in_flight Requests in flight.
                # TYPE periscope_http_requests_in_flight gauge
                periscope_http_requests_in_flight 5
                # HELP periscope_upstream_endpoint_healthy 1 when the endpoint passes health checks.
                # TYPE periscope_upstream_endpoint_healthy gauge
                periscope_upstream_endpoint_healthy{cluster="users",endpoint="10.0.0.1:80"} 1
                periscope_upstream_endpoint_healthy{cluster="users",endpoint="10.0.0.2:80"} 0
                # HELP periscope_config_last_load_timestamp_seconds Unix time of the last successful config load.
                # TYPE periscope_config_last_load_timestamp_seconds gauge
                periscope_config_last_load_timestamp_seconds 1.7000000005e+09
                # HELP periscope_test_offset An offset.
                # TYPE periscope_test_offset gauge
                periscope_test_offset -2
                # HELP periscope_metric_series_overflow_total \(Self.overflowHelp)
                # TYPE periscope_metric_series_overflow_total counter
                periscope_metric_series_overflow_total{metric="periscope_upstream_endpoint_healthy"} 0

                """
        )
        #expect(
            registry.renderString(.openMetrics) == """
                # TYPE periscope_http_requests_in_flight gauge
                # HELP periscope_http_requests_in_flight Requests in flight.
                periscope_http_requests_in_flight 5
                # TYPE periscope_upstream_endpoint_healthy gauge
                # HELP periscope_upstream_endpoint_healthy 1 when the endpoint passes health checks.
                periscope_upstream_endpoint_healthy{cluster="users",endpoint="10.0.0.1:80"} 1.0
                periscope_upstream_endpoint_healthy{cluster="users",endpoint="10.0.0.2:80"} 0
                # TYPE periscope_config_last_load_timestamp_seconds gauge
                # UNIT periscope_config_last_load_timestamp_seconds seconds
                # HELP periscope_config_last_load_timestamp_seconds Unix time of the last successful config load.
                periscope_config_last_load_timestamp_seconds 1.7000000005e+09
                # TYPE periscope_test_offset gauge
                # HELP periscope_test_offset An offset.
                periscope_test_offset -2
                # TYPE periscope_metric_series_overflow counter
                # HELP periscope_metric_series_overflow \(Self.overflowHelp)
                periscope_metric_series_overflow_total{metric="periscope_upstream_endpoint_healthy"} 0
                # EOF

                """
        )
    }

    @Test func histogramInBothFormats() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let loop0 = registry.shard(forEventLoop: 0)
        let loop1 = registry.shard(forEventLoop: 1)
        let duration = registry.histogram(
            name: "periscope_http_request_duration_seconds",
            help: "Time from request head to response end.",
            labelNames: ["route"],
            buckets: [0.005, 0.1, 1, 2.5],
            unit: "seconds",
            exemplars: true
        )
        let api = duration.bind(["api"])
        // Binary fractions keep the sum exact.
        api.observe(0.003_906_25, shard: loop0)
        api.observe(0.0625, shard: loop1)
        api.observe(1, shard: loop0)  // upper bounds are inclusive
        api.observe(3, shard: loop1)  // above every bound: +Inf only
        api.observe(0.25)
        _ = duration.bind(["idle"])
        let sizes = registry.histogram(
            name: "periscope_http_request_size_bytes",
            help: "Request body sizes.",
            buckets: [1024, 1_048_576],
            unit: "bytes"
        )
        sizes.bind().observe(512, shard: loop0)

        #expect(
            registry.renderString(.prometheusText) == """
                # HELP periscope_http_request_duration_seconds Time from request head to response end.
                # TYPE periscope_http_request_duration_seconds histogram
                periscope_http_request_duration_seconds_bucket{route="api",le="0.005"} 1
                periscope_http_request_duration_seconds_bucket{route="api",le="0.1"} 2
                periscope_http_request_duration_seconds_bucket{route="api",le="1"} 4
                periscope_http_request_duration_seconds_bucket{route="api",le="2.5"} 4
                periscope_http_request_duration_seconds_bucket{route="api",le="+Inf"} 5
                periscope_http_request_duration_seconds_sum{route="api"} 4.31640625
                periscope_http_request_duration_seconds_count{route="api"} 5
                periscope_http_request_duration_seconds_bucket{route="idle",le="0.005"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="0.1"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="1"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="2.5"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="+Inf"} 0
                periscope_http_request_duration_seconds_sum{route="idle"} 0
                periscope_http_request_duration_seconds_count{route="idle"} 0
                # HELP periscope_http_request_size_bytes Request body sizes.
                # TYPE periscope_http_request_size_bytes histogram
                periscope_http_request_size_bytes_bucket{le="1024"} 1
                periscope_http_request_size_bytes_bucket{le="1.048576e+06"} 1
                periscope_http_request_size_bytes_bucket{le="+Inf"} 1
                periscope_http_request_size_bytes_sum 512
                periscope_http_request_size_bytes_count 1
                # HELP periscope_metric_series_overflow_total \(Self.overflowHelp)
                # TYPE periscope_metric_series_overflow_total counter
                periscope_metric_series_overflow_total{metric="periscope_http_request_duration_seconds"} 0

                """
        )
        #expect(
            registry.renderString(.openMetrics) == """
                # TYPE periscope_http_request_duration_seconds histogram
                # UNIT periscope_http_request_duration_seconds seconds
                # HELP periscope_http_request_duration_seconds Time from request head to response end.
                periscope_http_request_duration_seconds_bucket{route="api",le="0.005"} 1
                periscope_http_request_duration_seconds_bucket{route="api",le="0.1"} 2
                periscope_http_request_duration_seconds_bucket{route="api",le="1.0"} 4
                periscope_http_request_duration_seconds_bucket{route="api",le="2.5"} 4
                periscope_http_request_duration_seconds_bucket{route="api",le="+Inf"} 5
                periscope_http_request_duration_seconds_sum{route="api"} 4.31640625
                periscope_http_request_duration_seconds_count{route="api"} 5
                periscope_http_request_duration_seconds_bucket{route="idle",le="0.005"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="0.1"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="1.0"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="2.5"} 0
                periscope_http_request_duration_seconds_bucket{route="idle",le="+Inf"} 0
                periscope_http_request_duration_seconds_sum{route="idle"} 0.0
                periscope_http_request_duration_seconds_count{route="idle"} 0
                # TYPE periscope_http_request_size_bytes histogram
                # UNIT periscope_http_request_size_bytes bytes
                # HELP periscope_http_request_size_bytes Request body sizes.
                periscope_http_request_size_bytes_bucket{le="1024.0"} 1
                periscope_http_request_size_bytes_bucket{le="1.048576e+06"} 1
                periscope_http_request_size_bytes_bucket{le="+Inf"} 1
                periscope_http_request_size_bytes_sum 512.0
                periscope_http_request_size_bytes_count 1
                # TYPE periscope_metric_series_overflow counter
                # HELP periscope_metric_series_overflow \(Self.overflowHelp)
                periscope_metric_series_overflow_total{metric="periscope_http_request_duration_seconds"} 0
                # EOF

                """
        )
    }

    @Test func familiesWithoutSeriesRenderOnlyTheirMetadata() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        _ = registry.counter(name: "periscope_upstream_errors_total", help: "Errors.", labelNames: ["kind"])
        _ = registry.histogram(name: "periscope_connect_seconds", help: "Connects.", labelNames: ["cluster"])
        #expect(
            registry.renderString(.prometheusText) == """
                # HELP periscope_upstream_errors_total Errors.
                # TYPE periscope_upstream_errors_total counter
                # HELP periscope_connect_seconds Connects.
                # TYPE periscope_connect_seconds histogram
                # HELP periscope_metric_series_overflow_total \(Self.overflowHelp)
                # TYPE periscope_metric_series_overflow_total counter
                periscope_metric_series_overflow_total{metric="periscope_upstream_errors_total"} 0
                periscope_metric_series_overflow_total{metric="periscope_connect_seconds"} 0

                """
        )
    }

    @Test func labelValuesAreEscapedInBothFormats() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.counter(name: "escapes_total", help: "h", labelNames: ["path"])
        family.bind(["a\\b\"c\nd é"]).increment()
        let expected = #"escapes_total{path="a\\b\"c\nd é"} 1"#
        #expect(registry.renderString(.prometheusText).contains(expected + "\n"))
        #expect(registry.renderString(.openMetrics).contains(expected + "\n"))
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        #expect(samples.first?.label("path") == "a\\b\"c\nd é")
    }

    @Test func helpIsEscapedPerFormat() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        _ = registry.gauge(name: "help_gauge", help: #"A "quoted" C:\path"# + "\nsecond line")
        let text = registry.renderString(.prometheusText)
        let openMetrics = registry.renderString(.openMetrics)
        // 0.0.4 escapes backslash and newline only; OpenMetrics also escapes the double quote.
        #expect(text.hasPrefix(#"# HELP help_gauge A "quoted" C:\\path\nsecond line"# + "\n"))
        #expect(openMetrics.contains(#"# HELP help_gauge A \"quoted\" C:\\path\nsecond line"# + "\n"))
    }

    @Test func defaultDurationBucketsRenderLikePrometheus() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        registry.histogram(name: "d_seconds", help: "h").bind().observe(0)
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        let les = samples.filter { $0.name == "d_seconds_bucket" }.compactMap { $0.label("le") }
        #expect(
            les == [
                "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf",
            ]
        )
        let openMetrics = ExpositionSamples.parse(registry.render(format: .openMetrics))
        let canonical = openMetrics.filter { $0.name == "d_seconds_bucket" }.compactMap { $0.label("le") }
        #expect(
            canonical == [
                "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "+Inf",
            ]
        )
    }

    @Test func openMetricsOmitsSumAndCountWhenABoundIsNegative() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        registry.histogram(name: "temperature_celsius", help: "h", buckets: [-10, 0, 10]).bind().observe(-5)
        #expect(
            registry.renderString(.openMetrics) == """
                # TYPE temperature_celsius histogram
                # HELP temperature_celsius h
                temperature_celsius_bucket{le="-10.0"} 0
                temperature_celsius_bucket{le="0.0"} 1
                temperature_celsius_bucket{le="10.0"} 1
                temperature_celsius_bucket{le="+Inf"} 1
                # TYPE periscope_metric_series_overflow counter
                # HELP periscope_metric_series_overflow \(Self.overflowHelp)
                # EOF

                """
        )
        #expect(registry.renderString(.prometheusText).contains("temperature_celsius_sum -5\n"))
    }
}
