import Testing

@testable import PeriscopeAlerting

/// `$value`, the humanize functions and printf, against the outputs recorded from Prometheus 2.42
/// (reference §C.5).
@Suite struct ValueFormattingTests {
    @Test(arguments: [
        (0.6000000000000001, "0.6000000000000001"),
        (1e6, "1e+06"),
        (1234567.89, "1.23456789e+06"),
        (1e-7, "1e-07"),
        (Double.nan, "NaN"),
        (123456, "123456"),
        (-3725.5, "-3725.5"),
        (0.0123, "0.0123"),
        (1e20, "1e+20"),
        (Double.infinity, "+Inf"),
        (90061, "90061"),
        (-Double.infinity, "-Inf"),
        (0, "0"),
    ])
    func valueIsPrintedLikeGoPercentV(value: Double, expected: String) throws {
        #expect(try render("{{ $value }}", value: value) == expected)
        #expect(try render("{{ .Value }}", value: value) == expected)
    }

    @Test(arguments: [
        (0.6000000000000001, "600m", "0.6", "600ms", "60%"),
        (1e6, "1M", "976.6ki", "11d 13h 46m 40s", "1e+08%"),
        (1234567.89, "1.235M", "1.177Mi", "14d 6h 56m 7s", "1.235e+08%"),
        (123456, "123.5k", "120.6ki", "1d 10h 17m 36s", "1.235e+07%"),
        (-3725.5, "-3.725k", "-3.638ki", "-1h 2m 5s", "-3.726e+05%"),
        (0.0123, "12.3m", "0.0123", "12.3ms", "1.23%"),
        (90061, "90.06k", "87.95ki", "1d 1h 1m 1s", "9.006e+06%"),
    ])
    func humanizeTable(value: Double, humanize: String, binary: String, duration: String, percentage: String) throws {
        #expect(try render("{{ humanize $value }}", value: value) == humanize)
        #expect(try render("{{ humanize1024 $value }}", value: value) == binary)
        #expect(try render("{{ humanizeDuration $value }}", value: value) == duration)
        #expect(try render("{{ humanizePercentage $value }}", value: value) == percentage)
    }

    @Test func printfTwoDecimals() throws {
        #expect(try render(#"{{ printf "%.2f" $value }}"#, value: 0.6000000000000001) == "0.60")
        #expect(try render(#"{{ $value | printf "%.2f" }}"#, value: 0.6000000000000001) == "0.60")
    }

    @Test func humanizeSpecialValues() throws {
        #expect(try render("{{ humanize 0 }}") == "0")
        #expect(try render("{{ humanize $value }}", value: .nan) == "NaN")
        #expect(try render("{{ humanize $value }}", value: .infinity) == "+Inf")
        #expect(try render("{{ humanize $value }}", value: -.infinity) == "-Inf")
        #expect(try render("{{ humanize 1e-30 }}") == "1e-06y")
        #expect(try render("{{ humanize 1e30 }}") == "1e+06Y")
        #expect(try render("{{ humanize 1000 }}") == "1k")
        #expect(try render("{{ humanize 999.95 }}") == "1000")
        #expect(try render("{{ humanize 0.001 }}") == "1m")
        #expect(try render("{{ humanize1024 1 }}") == "1")
        #expect(try render("{{ humanize1024 1024 }}") == "1ki")
        #expect(try render("{{ humanize1024 -0.5 }}") == "-0.5")
    }

    @Test func humanizeDurationEdges() throws {
        #expect(try render("{{ humanizeDuration 0 }}") == "0s")
        #expect(try render("{{ humanizeDuration 1 }}") == "1s")
        #expect(try render("{{ humanizeDuration 59.99 }}") == "59.99s")
        #expect(try render("{{ humanizeDuration 60 }}") == "1m 0s")
        #expect(try render("{{ humanizeDuration 3600 }}") == "1h 0m 0s")
        #expect(try render("{{ humanizeDuration 86400 }}") == "1d 0h 0m 0s")
        #expect(try render("{{ humanizeDuration -1.5 }}") == "-1.5s")
        #expect(try render("{{ humanizeDuration 0.0000001 }}") == "100ns")
        #expect(try render("{{ humanizeDuration $value }}", value: .nan) == "NaN")
        #expect(try render("{{ humanizeDuration $value }}", value: .infinity) == "+Inf")
    }

    @Test func numericFunctionsAcceptIntsFloatsAndNumericStrings() throws {
        #expect(try render("{{ humanize 1500 }}") == "1.5k")
        #expect(try render("{{ humanize 1500.0 }}") == "1.5k")
        #expect(try render(#"{{ humanize "1500" }}"#) == "1.5k")
        #expect(try render(#"{{ humanize "1.5e3" }}"#) == "1.5k")
        #expect(try render(#"{{ humanizeDuration "90" }}"#) == "1m 30s")
        #expect(try render(#"{{ humanizePercentage "0.5" }}"#) == "50%")
        #expect(try render(#"{{ humanize1024 "2048" }}"#) == "2ki")
        #expect(try render(#"{{ humanize "Inf" }}"#) == "+Inf")
        #expect(try render("{{ $labels.bytes | humanize1024 }}", labels: ["bytes": "1048576"]) == "1Mi")
    }

    @Test func numericFunctionsRejectOtherInput() {
        #expect(
            renderError(#"{{ humanize "abc" }}"#)?.message
                == #"error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax"#
        )
        #expect(
            renderError(#"{{ humanize "1e400" }}"#)?.message
                == #"error calling humanize: strconv.ParseFloat: parsing "1e400": value out of range"#
        )
        #expect(renderError("{{ humanize true }}")?.message == "error calling humanize: can't convert bool to float")
        #expect(
            renderError("{{ humanize $labels }}")?.message
                == "error calling humanize: can't convert map[string]string to float")
        #expect(renderError("{{ humanize nil }}")?.message == "error calling humanize: can't convert <nil> to float")
        #expect(
            renderError(#"{{ humanizeDuration "" }}"#)?.message
                == #"error calling humanizeDuration: strconv.ParseFloat: parsing "": invalid syntax"#
        )
    }

    @Test func timestamps() throws {
        #expect(try render("{{ humanizeTimestamp 0 }}") == "1970-01-01 00:00:00 +0000 UTC")
        #expect(try render("{{ humanizeTimestamp 1.5 }}") == "1970-01-01 00:00:01.5 +0000 UTC")
        #expect(try render("{{ humanizeTimestamp -1.5 }}") == "1969-12-31 23:59:58.5 +0000 UTC")
        #expect(try render("{{ humanizeTimestamp 1435065584.128 }}") == "2015-06-23 13:19:44.128 +0000 UTC")
        #expect(try render(#"{{ humanizeTimestamp "1700000000" }}"#) == "2023-11-14 22:13:20 +0000 UTC")
        #expect(try render("{{ humanizeTimestamp $value }}", value: .nan) == "NaN")
        #expect(try render("{{ toTime 951782400 }}") == "2000-02-29 00:00:00 +0000 UTC")
        #expect(try render("{{ toTime 1e9 }}") == "2001-09-09 01:46:40 +0000 UTC")
        #expect(
            try render(#"{{ printf "%v|%s" (toTime 0) (toTime 0) }}"#)
                == "1970-01-01 00:00:00 +0000 UTC|1970-01-01 00:00:00 +0000 UTC")
        #expect(renderError("{{ toTime $value }}", value: .nan)?.message == "error calling toTime: value is NaN or Inf")
        #expect(
            renderError("{{ humanizeTimestamp 1e10 }}")?.message
                == "error calling humanizeTimestamp: 1e+10 cannot be represented as a nanoseconds timestamp since it overflows int64"
        )
    }

    @Test(arguments: [
        ("%.4g", 1000.0, "1000"),
        ("%.4g", 999.95, "1000"),
        ("%.4g", 1e-5, "1e-05"),
        ("%.4g", 123456789.0, "1.235e+08"),
        ("%.4g", 12345.0, "1.234e+04"),
        ("%.4g", 0.0001, "0.0001"),
        ("%.4g", 0.00012345, "0.0001234"),
        ("%.4g", 100000.0, "1e+05"),
        ("%.4g", 1.5, "1.5"),
        ("%.4g", -0.0, "-0"),
        ("%.3g", 100.0, "100"),
        ("%.0g", 7.5, "8"),
        ("%.1g", 0.25, "0.2"),
        ("%g", 1e21, "1e+21"),
        ("%g", 100000.0, "100000"),
        ("%g", 1e6, "1e+06"),
        ("%G", 1e-7, "1E-07"),
        ("%e", 123456.789, "1.234568e+05"),
        ("%.2e", 0.0, "0.00e+00"),
        ("%E", 1.5, "1.500000E+00"),
        ("%f", 1.0 / 3.0, "0.333333"),
        ("%.0f", 2.5, "2"),
        ("%.0f", 3.5, "4"),
        ("%.2f", 0.125, "0.12"),
        ("%.3f", 1e20, "100000000000000000000.000"),
        ("%8.3f", 3.14159, "   3.142"),
        ("%-8.2f|", 3.14159, "3.14    |"),
        ("%08.3f", -3.14159, "-003.142"),
        ("%+.1f", 2.0, "+2.0"),
        ("% .1f", 2.0, " 2.0"),
        ("%v", 0.1, "0.1"),
        ("%6.2v", 3.14159, "   3.1"),
        ("%f", Double.infinity, "+Inf"),
        ("%5.1f", Double.nan, "  NaN"),
        ("%+f", Double.nan, "+NaN"),
        ("%x", 1.0, "0x1p+00"),
        ("%x", 3.0, "0x1.8p+01"),
        ("%b", 1.0, "4503599627370496p-52"),
        ("%d", 1.5, "%!d(float64=1.5)"),
        ("%s", 2.0, "%!s(float64=2)"),
    ])
    func printfFloats(format: String, value: Double, expected: String) {
        #expect(GoFmt.sprintf(format, [.float(value)]) == expected)
    }
}
