import Testing

@testable import PeriscopeAlerting

@Suite("histogram_quantile")
struct HistogramQuantileTests {
    // Per-bucket rates at 5m are exactly 1, 3, 4, 5 (le 0.1, 0.5, 1, +Inf).
    let fixture = EngineFixture([
        "req_bucket{job=\"api\",le=\"0.1\"}": "0+60x10",
        "req_bucket{job=\"api\",le=\"0.5\"}": "0+180x10",
        "req_bucket{job=\"api\",le=\"1\"}": "0+240x10",
        "req_bucket{job=\"api\",le=\"+Inf\"}": "0+300x10",
    ])

    func quantile(_ q: Double, _ inner: Expr? = nil) -> Expr {
        PQL.call("histogram_quantile", PQL.num(q), inner ?? PQL.call("rate", PQL.range("req_bucket", 300_000)))
    }

    @Test func interpolatesInsideTheBucket() throws {
        #expect(try fixture.vector(quantile(0.5), at: 300_000) == ["{job=\"api\"}": 0.4])
        // In the +Inf bucket: the second-highest bound.
        #expect(try fixture.value(quantile(0.99), at: 300_000) == 1)
        #expect(try fixture.value(quantile(0.1), at: 300_000) == 0.05)
        #expect(try fixture.value(quantile(0.25), at: 300_000) == 0.15000000000000002)
        #expect(try fixture.value(quantile(0.75), at: 300_000) == 0.875)
        #expect(try fixture.value(quantile(0.8), at: 300_000) == 1)
        #expect(try fixture.value(quantile(0), at: 300_000) == 0)
        #expect(try fixture.value(quantile(1), at: 300_000) == 1)
        #expect(try fixture.value(quantile(-0.5), at: 300_000) == -.infinity)
        #expect(try fixture.value(quantile(1.5), at: 300_000) == .infinity)
        #expect(try fixture.value(quantile(.nan), at: 300_000)?.isNaN == true)
    }

    @Test func rawCountsAndGrouping() throws {
        let fixture = EngineFixture([
            "h_bucket{job=\"a\",le=\"1\"}": "2",
            "h_bucket{job=\"a\",le=\"2.0\"}": "4",
            "h_bucket{job=\"a\",le=\"+Inf\"}": "4",
            "h_bucket{job=\"b\",le=\"1e0\"}": "1",
            "h_bucket{job=\"b\",le=\"Inf\"}": "2",
            "h_bucket{job=\"b\",le=\"junk\"}": "9",
            "h_bucket{job=\"b\"}": "9",
        ])
        // job a: rank 2 is the end of the first bucket; job b: rank 1 likewise.
        #expect(
            try fixture.vector(quantile(0.5, PQL.sel("h_bucket")), at: 0) == ["{job=\"a\"}": 1, "{job=\"b\"}": 1])
        // job a: rank 3 in (1, 2]: 1 + 1 × (1/2).
        #expect(try fixture.vector(quantile(0.75, PQL.sel("h_bucket", [("job", "a")])), at: 0) == ["{job=\"a\"}": 1.5])
    }

    @Test func degenerateHistogramsGiveNaN() throws {
        let fixture = EngineFixture([
            "noinf_bucket{le=\"1\"}": "1",
            "noinf_bucket{le=\"2\"}": "2",
            "zero_bucket{le=\"1\"}": "0",
            "zero_bucket{le=\"+Inf\"}": "0",
            "single_bucket{le=\"+Inf\"}": "3",
        ])
        for name in ["noinf_bucket", "zero_bucket", "single_bucket"] {
            #expect(try fixture.value(quantile(0.5, PQL.sel(name)), at: 0)?.isNaN == true)
        }
    }

    @Test func coalescesAndForcesMonotonicity() throws {
        let fixture = EngineFixture([
            "m_bucket{le=\"1\"}": "4",
            "m_bucket{le=\"1.0\"}": "1",
            "m_bucket{le=\"2\"}": "3",
            "m_bucket{le=\"+Inf\"}": "10",
        ])
        // Buckets 1 -> 5 (merged), 2 -> 3 raised to 5, +Inf -> 10: rank 5 is the end of the first bucket.
        #expect(try fixture.value(quantile(0.5, PQL.sel("m_bucket")), at: 0) == 1)
        // rank 7.5 falls into +Inf: the second-highest bound.
        #expect(try fixture.value(quantile(0.75, PQL.sel("m_bucket")), at: 0) == 2)
        // A first bucket with a non-positive bound returns that bound.
        let negative = EngineFixture(["n_bucket{le=\"-1\"}": "5", "n_bucket{le=\"+Inf\"}": "10"])
        #expect(try negative.value(quantile(0.25, PQL.sel("n_bucket")), at: 0) == -1)
    }

    @Test func prometheus3IgnoresTinyDecreases() {
        // A decrease by a relative 1e-15 is ironed out in 3 (and the bucket counts as equal); 2.42 also raises it.
        let buckets = [
            HistogramQuantile.Bucket(upperBound: 1, count: 1),
            HistogramQuantile.Bucket(upperBound: 2, count: 3),
            HistogramQuantile.Bucket(upperBound: 4, count: 3 * (1 + 1e-15)),
            HistogramQuantile.Bucket(upperBound: .infinity, count: 4),
        ]
        // rank 3 -> the end of bucket (1, 2] in both.
        #expect(HistogramQuantile.bucketQuantile(0.75, buckets, semantics: .prometheus3) == 2)
        #expect(HistogramQuantile.bucketQuantile(0.75, buckets, semantics: .prometheus2) == 2)
        // Between buckets 2 and 4: 2.42 sees the tiny increase as a real bucket.
        #expect(HistogramQuantile.bucketQuantile(0.7500000000000001, buckets, semantics: .prometheus3) == 4)
    }
}
