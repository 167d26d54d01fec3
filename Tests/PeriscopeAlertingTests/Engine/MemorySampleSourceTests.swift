import Testing

@testable import PeriscopeAlerting

@Suite("MemorySampleSource")
struct MemorySampleSourceTests {
    @Test func selectsByMatchersAndTimeRange() throws {
        let source = MemorySampleSource()
        let a = Labels([("__name__", "m"), ("job", "a")])
        let b = Labels([("__name__", "m"), ("job", "b")])
        let other = Labels([("__name__", "other"), ("job", "a")])
        for t in stride(from: Int64(0), through: 600_000, by: 60_000) {
            source.append(labels: b, t: t, v: Double(t / 60_000))
            source.append(labels: a, t: t, v: Double(t / 1000))
        }
        source.append(labels: other, t: 0, v: 1)
        let name = try LabelMatcher(.equal, Labels.metricName, "m")
        let selected = source.select([name], mint: 120_000, maxt: 240_000)
        // Sorted by labels, only the samples in the closed interval.
        #expect(selected.map(\.labels) == [a, b])
        #expect(selected[1].samples == [Sample(t: 120_000, v: 2), Sample(t: 180_000, v: 3), Sample(t: 240_000, v: 4)])
        #expect(source.select([name, try LabelMatcher(.notEqual, "job", "a")], mint: 0, maxt: 0).map(\.labels) == [b])
        // Series without samples in the interval are left out.
        #expect(source.select([name], mint: 700_000, maxt: 800_000).isEmpty)
        // No name matcher: all series are scanned.
        let byJob = source.select([try LabelMatcher(.equal, "job", "a")], mint: 0, maxt: 0)
        #expect(byJob.map(\.labels) == [a, other])
        #expect(source.allSeries.count == 3)
    }

    @Test func outOfOrderAndDuplicateAppends() throws {
        let source = MemorySampleSource()
        let labels = Labels([("__name__", "m")])
        source.append(labels: labels, t: 2000, v: 2)
        source.append(labels: labels, t: 1000, v: 1)
        source.append(labels: labels, t: 3000, v: 3)
        source.append(labels: labels, t: 2000, v: 20)
        #expect(
            source.allSeries.first?.samples == [Sample(t: 1000, v: 1), Sample(t: 2000, v: 20), Sample(t: 3000, v: 3)])
        let fromSeries = MemorySampleSource([Series(labels: labels, samples: [Sample(t: 5, v: 1), Sample(t: 1, v: 0)])])
        #expect(fromSeries.allSeries.first?.samples.map(\.t) == [1, 5])
    }

    @Test func staleMarkersAreStoredAndReturned() throws {
        let source = MemorySampleSource()
        let labels = Labels([("__name__", "m")])
        source.append(labels: labels, t: 0, v: 1)
        source.append(labels: labels, t: 1000, v: StaleNaN.value)
        let samples = source.select([try LabelMatcher(.equal, Labels.metricName, "m")], mint: 0, maxt: 1000)[0].samples
        #expect(samples.count == 2)
        #expect(StaleNaN.isStale(samples[1].v))
        #expect(try PromQLEngine().evaluate(PQL.sel("m"), at: 1000, source: source) == .vector([]))
    }
}
