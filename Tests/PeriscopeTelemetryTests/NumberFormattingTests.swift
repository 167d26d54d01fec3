import Testing

@testable import PeriscopeTelemetry

@Suite struct NumberFormattingTests {
    private func text(_ value: Double) -> String {
        var out: [UInt8] = []
        ExpositionText.appendFloat(value, format: .prometheusText, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func openMetrics(_ value: Double) -> String {
        var out: [UInt8] = []
        ExpositionText.appendFloat(value, format: .openMetrics, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Expected strings are what Go's `strconv.FormatFloat(v, 'g', -1, 64)` returns.
    @Test(arguments: [
        (0.0, "0"), (-0.0, "-0"), (1, "1"), (-1, "-1"), (0.005, "0.005"), (2.5, "2.5"), (10, "10"), (60, "60"),
        (100, "100"), (123_456, "123456"), (1e6, "1e+06"), (1_234_567, "1.234567e+06"), (123_456_789, "1.23456789e+08"),
        (0.0001, "0.0001"), (0.00025, "0.00025"), (0.00001, "1e-05"), (1e-7, "1e-07"), (1.5e-7, "1.5e-07"),
        (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"), (1e100, "1e+100"), (5e-324, "5e-324"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"), (-1234.5, "-1234.5"),
        (9_007_199_254_740_993, "9.007199254740992e+15"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
    ])
    func goShortestFormatting(value: Double, expected: String) {
        #expect(self.text(value) == expected)
    }

    /// OpenMetrics canonical numbers (spec examples): `%g` plus `.0` when it would read as an integer.
    @Test(arguments: [
        (0.0, "0.0"), (0.001, "0.001"), (0.01, "0.01"), (0.1, "0.1"), (0.95, "0.95"), (1, "1.0"), (1.7, "1.7"),
        (10, "10.0"), (1e-10, "1e-10"), (1e-9, "1e-09"), (1e-5, "1e-05"), (0.0001, "0.0001"), (100_000, "100000.0"),
        (1e6, "1e+06"), (1e10, "1e+10"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"), (-3, "-3.0"),
    ])
    func openMetricsCanonicalFormatting(value: Double, expected: String) {
        #expect(self.openMetrics(value) == expected)
    }

    @Test func integersAreWrittenExactly() {
        for value: UInt64 in [0, 7, 10, 99, 100, 1_000_000, 18_446_744_073_709_551_615] {
            var out: [UInt8] = []
            ExpositionText.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
        for value: Int64 in [0, -1, -10, .min, .max] {
            var out: [UInt8] = []
            ExpositionText.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
    }

    @Test func everyFormattedFloatRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            #expect(Double(self.text(value)) == value)
        }
    }
}
