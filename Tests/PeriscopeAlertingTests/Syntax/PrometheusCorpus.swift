// Generated from Prometheus 2.42.0 (Debian's prometheus binary): each valid expression was loaded as a
// recording rule and its `query` read back from /api/v1/rules (Prometheus' `expr.String()`); each invalid one was
// sent to /api/v1/query and the parse error recorded. These are observed outputs, used as the oracle.

struct OracleCase: Sendable, CustomStringConvertible {
    let input: String
    let expected: String

    var description: String { input }
}

enum PrometheusCorpus {
    /// Valid expressions and how Prometheus prints them.
    static let printed: [OracleCase] = [
        OracleCase(
            input: #"sum by (a,b) (rate(x{code=~"5.."}[5m]))"#, expected: #"sum by (a, b) (rate(x{code=~"5.."}[5m]))"#),
        OracleCase(input: #"sum(x) by (a)"#, expected: #"sum by (a) (x)"#),
        OracleCase(input: #"sum without (a) (x)"#, expected: #"sum without (a) (x)"#),
        OracleCase(input: #"sum by () (x)"#, expected: #"sum(x)"#),
        OracleCase(input: #"sum without () (x)"#, expected: #"sum without () (x)"#),
        OracleCase(input: #"topk(3, x)"#, expected: #"topk(3, x)"#),
        OracleCase(input: #"count_values("l", x)"#, expected: #"count_values("l", x)"#),
        OracleCase(input: #"a / on (route) group_left (team) b"#, expected: #"a / on (route) group_left (team) b"#),
        OracleCase(input: #"a / on () b"#, expected: #"a / on () b"#),
        OracleCase(input: #"a and b"#, expected: #"a and b"#),
        OracleCase(input: #"a and on(x) b"#, expected: #"a and on (x) b"#),
        OracleCase(input: #"x > bool 1"#, expected: #"x > bool 1"#),
        OracleCase(input: #"1 > bool 2"#, expected: #"1 > bool 2"#),
        OracleCase(input: #"x offset 5m"#, expected: #"x offset 5m"#),
        OracleCase(input: #"x offset -5m"#, expected: #"x offset -5m"#),
        OracleCase(input: #"x[5m] offset 90s"#, expected: #"x[5m] offset 1m30s"#),
        OracleCase(input: #"x @ 123.4"#, expected: #"x @ 123.400"#),
        OracleCase(input: #"x @ start()"#, expected: #"x @ start()"#),
        OracleCase(input: #"x @ end() offset 1m"#, expected: #"x @ end() offset 1m"#),
        OracleCase(input: #"x[1h:5m]"#, expected: #"x[1h:5m]"#),
        OracleCase(input: #"x[1h:]"#, expected: #"x[1h:]"#),
        OracleCase(input: #"rate(x[5m])[30m:1m] offset 10m"#, expected: #"rate(x[5m])[30m:1m] offset 10m"#),
        OracleCase(input: #"-2^2"#, expected: #"-2 ^ 2"#),
        OracleCase(input: #"-x"#, expected: #"-x"#),
        OracleCase(input: #"-(1)"#, expected: #"-(1)"#),
        OracleCase(input: #"- -1"#, expected: #"1"#),
        OracleCase(input: #"2^3^2"#, expected: #"2 ^ 3 ^ 2"#),
        OracleCase(input: #"(1+2)*3"#, expected: #"(1 + 2) * 3"#),
        OracleCase(input: #"1+2*3"#, expected: #"1 + 2 * 3"#),
        OracleCase(input: #"x{a="b\n\"c",}"#, expected: #"x{a="b\n\"c"}"#),
        OracleCase(input: #"{__name__="x"}"#, expected: #"{__name__="x"}"#),
        OracleCase(input: #"x[1h30m]"#, expected: #"x[1h30m]"#),
        OracleCase(input: #"x[90s]"#, expected: #"x[1m30s]"#),
        OracleCase(input: #"x[86400s]"#, expected: #"x[1d]"#),
        OracleCase(input: #"x[7d]"#, expected: #"x[1w]"#),
        OracleCase(input: #"x[1y]"#, expected: #"x[1y]"#),
        OracleCase(input: #"x[365d]"#, expected: #"x[1y]"#),
        OracleCase(input: #"x[500ms]"#, expected: #"x[500ms]"#),
        OracleCase(input: #"x[1500ms]"#, expected: #"x[1s500ms]"#),
        OracleCase(input: #"0x1f"#, expected: #"31"#),
        OracleCase(input: #"1e3"#, expected: #"1000"#),
        OracleCase(input: #"Inf"#, expected: #"+Inf"#),
        OracleCase(input: #"-inf"#, expected: #"-Inf"#),
        OracleCase(input: #"NaN"#, expected: #"NaN"#),
        OracleCase(input: #".5"#, expected: #"0.5"#),
        OracleCase(input: #"017"#, expected: #"15"#),
        OracleCase(input: #"08"#, expected: #"8"#),
        OracleCase(input: #"1.0"#, expected: #"1"#),
        OracleCase(input: #"1e21"#, expected: #"1e+21"#),
        OracleCase(input: #"1e-7"#, expected: #"1e-07"#),
        OracleCase(input: #"123456789"#, expected: #"1.23456789e+08"#),
        OracleCase(input: #"label_join(x, "a", ",", "b", "c")"#, expected: #"label_join(x, "a", ",", "b", "c")"#),
        OracleCase(input: #"round(x, 5)"#, expected: #"round(x, 5)"#),
        OracleCase(input: #"time()"#, expected: #"time()"#),
        OracleCase(input: #"vector(1)"#, expected: #"vector(1)"#),
        OracleCase(input: #"a atan2 b"#, expected: #"a atan2 b"#),
        OracleCase(input: #"foo:bar:baz"#, expected: #"foo:bar:baz"#),
        OracleCase(input: #"'single'"#, expected: #""single""#),
        OracleCase(input: #"`raw\n`"#, expected: #""raw\\n""#),
        OracleCase(input: #""esc\t\u00e9""#, expected: #""esc\té""#),
        OracleCase(input: #"by{a="b"}"#, expected: #"by{a="b"}"#),
        OracleCase(input: #"offset"#, expected: #"offset"#),
        OracleCase(input: #"sum(x) without (a)"#, expected: #"sum without (a) (x)"#),
        OracleCase(input: #"quantile(0.9, x)"#, expected: #"quantile(0.9, x)"#),
        OracleCase(input: #"x unless y or z and w"#, expected: #"x unless y or z and w"#),
        OracleCase(input: #"abs(-x)"#, expected: #"abs(-x)"#),
        OracleCase(input: #"sum"#, expected: #"sum"#),
        OracleCase(input: #"rate"#, expected: #"rate"#),
        OracleCase(input: #"x{}"#, expected: #"x"#),
        OracleCase(input: #"{a=~".+"}"#, expected: #"{a=~".+"}"#),
        OracleCase(input: #"{a!=""}"#, expected: #"{a!=""}"#),
        OracleCase(input: #"{a!~""}"#, expected: #"{a!~""}"#),
        OracleCase(input: #"{__name__="x", a="b"}"#, expected: #"{__name__="x",a="b"}"#),
        OracleCase(input: #"x @ 1 offset 1m"#, expected: #"x @ 1.000 offset 1m"#),
        OracleCase(input: #"x offset 1m @ 1"#, expected: #"x @ 1.000 offset 1m"#),
        OracleCase(input: #"x + on(a) group_left(b) y"#, expected: #"x + on (a) group_left (b) y"#),
        OracleCase(input: #"x == bool y"#, expected: #"x == bool y"#),
        OracleCase(input: #"and"#, expected: #"and"#),
        OracleCase(input: #"or"#, expected: #"or"#),
        OracleCase(input: #"by"#, expected: #"by"#),
        OracleCase(input: #"without"#, expected: #"without"#),
        OracleCase(input: #"start"#, expected: #"start"#),
        OracleCase(input: #"end"#, expected: #"end"#),
        OracleCase(input: #"count"#, expected: #"count"#),
        OracleCase(input: #"topk"#, expected: #"topk"#),
        OracleCase(input: #"inf"#, expected: #"+Inf"#),
        OracleCase(input: #"nan"#, expected: #"NaN"#),
        OracleCase(input: #"stale"#, expected: #"stale"#),
        OracleCase(
            input: #"x{and="1",by="2",on="3",offset="4",sum="5",group_left="6",bool="7",inf="8",nan="9",start="10"}"#,
            expected: #"x{and="1",bool="7",by="2",group_left="6",inf="8",nan="9",offset="4",on="3",start="10",sum="5"}"#
        ),
        OracleCase(input: #"sum by (and, offset, sum, bool) (x)"#, expected: #"sum by (and, offset, sum, bool) (x)"#),
        OracleCase(input: #"a * on(x) group_left y"#, expected: #"a * on (x) group_left () y"#),
        OracleCase(input: #"a * on(x) group_left() y"#, expected: #"a * on (x) group_left () y"#),
        OracleCase(input: #"a * ignoring(x) group_right(z) y"#, expected: #"a * ignoring (x) group_right (z) y"#),
        OracleCase(input: #"sum(x) by ()"#, expected: #"sum(x)"#),
        OracleCase(input: #"sum without (a,) (x)"#, expected: #"sum without (a) (x)"#),
        OracleCase(input: #"sum by (a,) (x)"#, expected: #"sum by (a) (x)"#),
        OracleCase(input: #"count_values("a", x) by (b)"#, expected: #"count_values by (b) ("a", x)"#),
        OracleCase(input: #"x{a="b",}"#, expected: #"x{a="b"}"#),
        OracleCase(input: #"x{a="b",b="c"}"#, expected: #"x{a="b",b="c"}"#),
        OracleCase(input: #"x{b="c",a="b"}"#, expected: #"x{a="b",b="c"}"#),
        OracleCase(input: #"{__name__=~"a|b", a="b"}"#, expected: #"{__name__=~"a|b",a="b"}"#),
        OracleCase(input: #"{a="b", __name__="x"}"#, expected: #"{__name__="x",a="b"}"#),
        OracleCase(input: #"x @ 1e3"#, expected: #"x @ 1000.000"#),
        OracleCase(input: #"x @ -5"#, expected: #"x @ -5.000"#),
        OracleCase(input: #"x @ 0x10"#, expected: #"x @ 16.000"#),
        OracleCase(input: #"x @ 1.0005"#, expected: #"x @ 1.001"#),
        OracleCase(input: #"x @ 1.0004"#, expected: #"x @ 1.000"#),
        OracleCase(input: #"x offset 1h30m"#, expected: #"x offset 1h30m"#),
        OracleCase(input: #"x offset 1y"#, expected: #"x offset 1y"#),
        OracleCase(input: #"x[5m] @ 10"#, expected: #"x[5m] @ 10.000"#),
        OracleCase(input: #"rate(x[5m] @ 10 offset 1m)"#, expected: #"rate(x[5m] @ 10.000 offset 1m)"#),
        OracleCase(input: #"x[ 5m ]"#, expected: #"x[5m]"#),
        OracleCase(input: #"x[5m : 1m]"#, expected: #"x[5m:1m]"#),
        OracleCase(input: #"x [5m]"#, expected: #"x[5m]"#),
        OracleCase(input: #"x offset 5m[1m:]"#, expected: #"x offset 5m[1m:]"#),
        OracleCase(input: #"sum(rate(x[5m]))[1h:]"#, expected: #"sum(rate(x[5m]))[1h:]"#),
        OracleCase(input: #"min_over_time(rate(x[5m])[1h:1m])"#, expected: #"min_over_time(rate(x[5m])[1h:1m])"#),
        OracleCase(input: #"-x ^ 2"#, expected: #"-x ^ 2"#),
        OracleCase(input: #"-2 ^ -2"#, expected: #"-2 ^ -2"#),
        OracleCase(input: #"2 ^ -2"#, expected: #"2 ^ -2"#),
        OracleCase(input: #"2 * -3"#, expected: #"2 * -3"#),
        OracleCase(input: #"- - x"#, expected: #"--x"#),
        OracleCase(input: #"-(-x)"#, expected: #"-(-x)"#),
        OracleCase(input: #"x * -y"#, expected: #"x * -y"#),
        OracleCase(input: #"x - - 1"#, expected: #"x - -1"#),
        OracleCase(input: #"1 - -1"#, expected: #"1 - -1"#),
        OracleCase(input: #"x >= bool 1"#, expected: #"x >= bool 1"#),
        OracleCase(input: #"x<=1"#, expected: #"x <= 1"#),
        OracleCase(input: #"x!=1"#, expected: #"x != 1"#),
        OracleCase(input: #"x == 1 == 2"#, expected: #"x == 1 == 2"#),
        OracleCase(input: #"1 + 2 > bool 3"#, expected: #"1 + 2 > bool 3"#),
        OracleCase(input: #"a or b and c unless d"#, expected: #"a or b and c unless d"#),
        OracleCase(input: #"a + b * c ^ d ^ e % f"#, expected: #"a + b * c ^ d ^ e % f"#),
        OracleCase(input: #"x / on(a,b) group_left(c,d) y"#, expected: #"x / on (a, b) group_left (c, d) y"#),
        OracleCase(
            input: #"x / on (a) group_left (c) y > on (a) group_right z"#,
            expected: #"x / on (a) group_left (c) y > on (a) group_right () z"#),
        OracleCase(input: #""x" "#, expected: #""x""#),
        OracleCase(input: #"1 + time()"#, expected: #"1 + time()"#),
        OracleCase(input: #"scalar(x) > bool 1"#, expected: #"scalar(x) > bool 1"#),
        OracleCase(input: #"vector(1) and x"#, expected: #"vector(1) and x"#),
        OracleCase(input: #"histogram_quantile(0.9, rate(x[5m]))"#, expected: #"histogram_quantile(0.9, rate(x[5m]))"#),
        OracleCase(
            input: #"label_replace(x, "a", "$1", "b", "(.*)")"#, expected: #"label_replace(x, "a", "$1", "b", "(.*)")"#),
        OracleCase(input: #"days_in_month()"#, expected: #"days_in_month()"#),
        OracleCase(input: #"hour(x)"#, expected: #"hour(x)"#),
        OracleCase(input: #"absent(x{a="b"})"#, expected: #"absent(x{a="b"})"#),
        OracleCase(input: #"holt_winters(x[5m], 0.5, 0.5)"#, expected: #"holt_winters(x[5m], 0.5, 0.5)"#),
        OracleCase(input: #"pi()"#, expected: #"pi()"#),
        OracleCase(input: #"sin(x)"#, expected: #"sin(x)"#),
        OracleCase(input: #"deg(x)"#, expected: #"deg(x)"#),
        OracleCase(input: #"day_of_year(x)"#, expected: #"day_of_year(x)"#),
        OracleCase(input: #"histogram_count(x)"#, expected: #"histogram_count(x)"#),
        OracleCase(input: #"histogram_sum(x)"#, expected: #"histogram_sum(x)"#),
        OracleCase(input: #"histogram_fraction(0, 1, x)"#, expected: #"histogram_fraction(0, 1, x)"#),
        OracleCase(input: #"sum + 1"#, expected: #"sum + 1"#),
        OracleCase(input: #"sum{a="b"}"#, expected: #"sum{a="b"}"#),
        OracleCase(input: #"count[5m]"#, expected: #"count[5m]"#),
        OracleCase(input: #"rate[5m]"#, expected: #"rate[5m]"#),
        OracleCase(input: #"by[5m]"#, expected: #"by[5m]"#),
        OracleCase(input: #"offset offset 5m"#, expected: #"offset offset 5m"#),
        OracleCase(input: #"and and and"#, expected: #"and and and"#),
        OracleCase(input: #"x and and"#, expected: #"x and and"#),
        OracleCase(input: #"sum(sum)"#, expected: #"sum(sum)"#),
        OracleCase(input: #"sum(by)"#, expected: #"sum(by)"#),
        OracleCase(input: #"sum by(by)(by)"#, expected: #"sum by (by) (by)"#),
        OracleCase(input: #"max(x) without(x)"#, expected: #"max without (x) (x)"#),
        OracleCase(input: #"(x)[5m:1m]"#, expected: #"(x)[5m:1m]"#),
        OracleCase(input: #"x @ 10 [5m:1m]"#, expected: #"x @ 10.000[5m:1m]"#),
        OracleCase(input: #"1 + -x"#, expected: #"1 + -x"#),
        OracleCase(input: #"2 ^ -x"#, expected: #"2 ^ -x"#),
        OracleCase(input: #"-2 * 3"#, expected: #"-2 * 3"#),
        OracleCase(input: #"x @ 0"#, expected: #"x @ 0.000"#),
        OracleCase(input: #"(sum(x))"#, expected: #"(sum(x))"#),
        OracleCase(input: #"((x))"#, expected: #"((x))"#),
        OracleCase(input: #"x{a="b"} offset 1w"#, expected: #"x{a="b"} offset 1w"#),
        OracleCase(input: #"x[8d]"#, expected: #"x[8d]"#),
        OracleCase(input: #"x[14d]"#, expected: #"x[2w]"#),
        OracleCase(input: #"x[400d]"#, expected: #"x[400d]"#),
        OracleCase(input: #"x[1h0m]"#, expected: #"x[1h]"#),
        OracleCase(input: #"x[0h5m]"#, expected: #"x[5m]"#),
        OracleCase(input: #"x[1d1h1m1s1ms]"#, expected: #"x[1d1h1m1s1ms]"#),
        OracleCase(input: #"x offset 1y2w"#, expected: #"x offset 379d"#),
        OracleCase(input: #""\a\b\f\v\x01\u00a0\U0001F600""#, expected: #""\a\b\f\v\x01\u00a0😀""#),
        OracleCase(input: #""tab\#tin""#, expected: #""tab\tin""#),
        OracleCase(input: #"'\''"#, expected: #""'""#),
        OracleCase(input: #"'"'"#, expected: #""\"""#),
        OracleCase(input: #""\"""#, expected: #""\"""#),
        OracleCase(input: #"x{a="\t\u00a0é"}"#, expected: #"x{a="\t\u00a0é"}"#),
        OracleCase(input: #"x{a=~"a\\.b"}"#, expected: #"x{a=~"a\\.b"}"#),
        OracleCase(input: #"x{a!~"x",b!="y"}"#, expected: #"x{a!~"x",b!="y"}"#),
        OracleCase(input: #"1 / 0"#, expected: #"1 / 0"#),
        OracleCase(input: #"1e-5"#, expected: #"1e-05"#),
        OracleCase(input: #"0.0001"#, expected: #"0.0001"#),
        OracleCase(input: #"100000"#, expected: #"100000"#),
        OracleCase(input: #"1000000"#, expected: #"1e+06"#),
        OracleCase(input: #"-0"#, expected: #"-0"#),
        OracleCase(input: #"-0.0"#, expected: #"-0"#),
        OracleCase(input: #"1.5e300"#, expected: #"1.5e+300"#),
        OracleCase(input: #"0.1"#, expected: #"0.1"#),
        OracleCase(input: #"x>bool 1"#, expected: #"x > bool 1"#),
        OracleCase(input: #"x+on()group_left()y"#, expected: #"x + on () group_left () y"#),
        OracleCase(input: #"x and on() y"#, expected: #"x and on () y"#),
        OracleCase(input: #"x and ignoring(a) y"#, expected: #"x and ignoring (a) y"#),
        OracleCase(input: #"x unless on(a,b) y"#, expected: #"x unless on (a, b) y"#),
        OracleCase(input: #"x or ignoring() y"#, expected: #"x or y"#),
        OracleCase(input: #"x # comment"#, expected: #"x"#),
        OracleCase(input: #"x[5m] @ start()"#, expected: #"x[5m] @ start()"#),
        OracleCase(input: #"x > bool on(a) y"#, expected: #"x > bool on (a) y"#),
        OracleCase(input: #"x == bool on(a) group_left(b) y"#, expected: #"x == bool on (a) group_left (b) y"#),
        OracleCase(input: #"1 == bool 1 > bool 2"#, expected: #"1 == bool 1 > bool 2"#),
        OracleCase(input: #"a ^ b + c"#, expected: #"a ^ b + c"#),
        OracleCase(input: #"x != bool 1"#, expected: #"x != bool 1"#),
        OracleCase(input: #"x{b="c",a="b",a="a"}"#, expected: #"x{a="a",a="b",b="c"}"#),
        OracleCase(input: #"{b="c",__name__="x"}"#, expected: #"{__name__="x",b="c"}"#),
        OracleCase(input: #"x{b!="c",b="c"}"#, expected: #"x{b!="c",b="c"}"#),
        OracleCase(input: #"infinity"#, expected: #"infinity"#),
        OracleCase(input: #"Infinity"#, expected: #"Infinity"#),
        OracleCase(input: #"label_join(x, "a", ",")"#, expected: #"label_join(x, "a", ",")"#),
        OracleCase(input: #"x{a="\x41"}"#, expected: #"x{a="A"}"#),
        OracleCase(input: #""\101""#, expected: #""A""#),
        OracleCase(input: #""\u00e9\U0001F600""#, expected: #""é😀""#),
        OracleCase(input: #"`a"b'c\`"#, expected: #""a\"b'c\\""#),
        OracleCase(
            input: #"sum(x) by (a) / on (a) group_left count(y) by (a)"#,
            expected: #"sum by (a) (x) / on (a) group_left () count by (a) (y)"#),
        OracleCase(input: #"a@1"#, expected: #"a @ 1.000"#),
        OracleCase(input: #"a offset 1m @ 1 [1m:]"#, expected: #"a @ 1.000 offset 1m[1m:]"#),
        OracleCase(
            input:
                #"sum by (job) (rate(http_requests_total{job=~"api|web", code!~"2.."}[5m] offset 1h)) / ignoring(code) group_left sum by (job) (rate(http_requests_total[5m]))"#,
            expected:
                #"sum by (job) (rate(http_requests_total{code!~"2..",job=~"api|web"}[5m] offset 1h)) / ignoring (code) group_left () sum by (job) (rate(http_requests_total[5m]))"#
        ),
        OracleCase(
            input: #"histogram_quantile(0.99, sum by (le, route) (rate(gw_http_request_duration_seconds_bucket[5m])))"#,
            expected:
                #"histogram_quantile(0.99, sum by (le, route) (rate(gw_http_request_duration_seconds_bucket[5m])))"#),
        OracleCase(
            input: #"(sum(rate(a[1m])) > bool 0) * on() group_right(x, y) b"#,
            expected: #"(sum(rate(a[1m])) > bool 0) * on () group_right (x, y) b"#),
        OracleCase(
            input: #"max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])"#,
            expected: #"max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])"#),
        OracleCase(
            input: #"absent_over_time(up{job="x"}[1h] @ 1609746000)"#,
            expected: #"absent_over_time(up{job="x"}[1h] @ 1609746000.000)"#),
        OracleCase(
            input: #"count_values("version", build_version) without (instance)"#,
            expected: #"count_values without (instance) ("version", build_version)"#),
        OracleCase(input: #"bottomk(5, x) by (a)"#, expected: #"bottomk by (a) (5, x)"#),
        OracleCase(input: #"stddev(x) > 2 * stdvar(x)"#, expected: #"stddev(x) > 2 * stdvar(x)"#),
        OracleCase(input: #"group(x) by (a)"#, expected: #"group by (a) (x)"#),
        OracleCase(input: #"quantile by (a) (0.5, x)"#, expected: #"quantile by (a) (0.5, x)"#),
        OracleCase(input: #"avg without (a, b) (x)"#, expected: #"avg without (a, b) (x)"#),
        OracleCase(input: #"x ^ y ^ z * w"#, expected: #"x ^ y ^ z * w"#),
        OracleCase(input: #"x * y ^ z"#, expected: #"x * y ^ z"#),
        OracleCase(input: #"(x * y) ^ z"#, expected: #"(x * y) ^ z"#),
        OracleCase(input: #"x / y / z"#, expected: #"x / y / z"#),
        OracleCase(input: #"x - y - z"#, expected: #"x - y - z"#),
        OracleCase(input: #"x - (y - z)"#, expected: #"x - (y - z)"#),
        OracleCase(input: #"x or y and z"#, expected: #"x or y and z"#),
        OracleCase(input: #"(x or y) and z"#, expected: #"(x or y) and z"#),
        OracleCase(input: #"x and y or z"#, expected: #"x and y or z"#),
        OracleCase(input: #"x == y and z"#, expected: #"x == y and z"#),
        OracleCase(input: #"x + y == z"#, expected: #"x + y == z"#),
        OracleCase(input: #"x > y > z"#, expected: #"x > y > z"#),
        OracleCase(input: #"-x * y"#, expected: #"-x * y"#),
        OracleCase(input: #"-x ^ y"#, expected: #"-x ^ y"#),
        OracleCase(input: #"(-x) ^ y"#, expected: #"(-x) ^ y"#),
        OracleCase(input: #"- (x) ^ 2"#, expected: #"-(x) ^ 2"#),
        OracleCase(input: #"-2 ^ 2"#, expected: #"-2 ^ 2"#),
        OracleCase(input: #"-2 * 2"#, expected: #"-2 * 2"#),
        OracleCase(input: #"2 ^ -2 ^ 2"#, expected: #"2 ^ -2 ^ 2"#),
        OracleCase(input: #"-(-(1))"#, expected: #"-(-(1))"#),
        OracleCase(input: #"--1"#, expected: #"1"#),
        OracleCase(input: #"-+-1"#, expected: #"1"#),
        OracleCase(input: #"1 - 1"#, expected: #"1 - 1"#),
        OracleCase(input: #"1 -1"#, expected: #"1 - 1"#),
        OracleCase(input: #"1-1"#, expected: #"1 - 1"#),
        OracleCase(input: #"x-1"#, expected: #"x - 1"#),
        OracleCase(input: #"x - -1"#, expected: #"x - -1"#),
        OracleCase(input: #"x--1"#, expected: #"x - -1"#),
        OracleCase(input: #"sum(x)-1"#, expected: #"sum(x) - 1"#),
        OracleCase(input: #"a atan2 b atan2 c"#, expected: #"a atan2 b atan2 c"#),
        OracleCase(input: #"a % b * c"#, expected: #"a % b * c"#),
        OracleCase(input: #"a unless b unless c"#, expected: #"a unless b unless c"#),
        OracleCase(input: #"a == bool 1 == bool 2"#, expected: #"a == bool 1 == bool 2"#),
        OracleCase(input: #"1 + 2 * 3 ^ 4 - 5 / 6 % 7"#, expected: #"1 + 2 * 3 ^ 4 - 5 / 6 % 7"#),
        OracleCase(input: #"round(x)"#, expected: #"round(x)"#),
        OracleCase(input: #"round(x, 0.5)"#, expected: #"round(x, 0.5)"#),
        OracleCase(input: #"clamp(x, 0, 1)"#, expected: #"clamp(x, 0, 1)"#),
        OracleCase(input: #"clamp_min(x, -1)"#, expected: #"clamp_min(x, -1)"#),
        OracleCase(input: #"vector(time())"#, expected: #"vector(time())"#),
        OracleCase(input: #"scalar(sum(x))"#, expected: #"scalar(sum(x))"#),
        OracleCase(input: #"timestamp(x)"#, expected: #"timestamp(x)"#),
        OracleCase(input: #"sort_desc(x)"#, expected: #"sort_desc(x)"#),
        OracleCase(input: #"minute()"#, expected: #"minute()"#),
        OracleCase(input: #"year(vector(1))"#, expected: #"year(vector(1))"#),
        OracleCase(input: #"predict_linear(x[1h], 3600)"#, expected: #"predict_linear(x[1h], 3600)"#),
        OracleCase(input: #"quantile_over_time(0.5, x[1h])"#, expected: #"quantile_over_time(0.5, x[1h])"#),
        OracleCase(
            input: #"label_replace(up, "foo", "$1", "job", "(.*)")"#,
            expected: #"label_replace(up, "foo", "$1", "job", "(.*)")"#),
        OracleCase(input: #"label_join(up, "foo", ",")"#, expected: #"label_join(up, "foo", ",")"#),
        OracleCase(
            input: #"label_join(up, "foo", ",", "a", "b", "c", "d")"#,
            expected: #"label_join(up, "foo", ",", "a", "b", "c", "d")"#),
        OracleCase(input: #"absent(nonexistent{job="myjob"})"#, expected: #"absent(nonexistent{job="myjob"})"#),
        OracleCase(input: #"changes(x[1h])"#, expected: #"changes(x[1h])"#),
        OracleCase(input: #"resets(x[1h])"#, expected: #"resets(x[1h])"#),
        OracleCase(
            input: #"exp(x) + ln(x) + log2(x) + log10(x) + sqrt(x) + sgn(x) + abs(x) + ceil(x) + floor(x)"#,
            expected: #"exp(x) + ln(x) + log2(x) + log10(x) + sqrt(x) + sgn(x) + abs(x) + ceil(x) + floor(x)"#),
        OracleCase(input: #"rate(x[1m:])"#, expected: #"rate(x[1m:])"#),
        OracleCase(input: #"rate(x[5m:1m])"#, expected: #"rate(x[5m:1m])"#),
        OracleCase(input: #"sum(rate(x[5m]))"#, expected: #"sum(rate(x[5m]))"#),
        OracleCase(input: #"time() + 1"#, expected: #"time() + 1"#),
        OracleCase(input: #"time() > bool 1"#, expected: #"time() > bool 1"#),
        OracleCase(input: #"x > time()"#, expected: #"x > time()"#),
        OracleCase(
            input: #"sum(x) by (a) and on(a) sum(y) by (a)"#, expected: #"sum by (a) (x) and on (a) sum by (a) (y)"#),
        OracleCase(input: #"topk(scalar(x), y)"#, expected: #"topk(scalar(x), y)"#),
        OracleCase(input: #"topk(1 + 1, y)"#, expected: #"topk(1 + 1, y)"#),
        OracleCase(input: #"-sum(x)"#, expected: #"-sum(x)"#),
        OracleCase(input: #"-rate(x[5m])"#, expected: #"-rate(x[5m])"#),
        OracleCase(input: #"-vector(1)"#, expected: #"-vector(1)"#),
        OracleCase(input: #"-time()"#, expected: #"-time()"#),
        OracleCase(input: #"(x[5m])"#, expected: #"(x[5m])"#),
        OracleCase(input: #"x[5m] offset 1m @ 5"#, expected: #"x[5m] @ 5.000 offset 1m"#),
        OracleCase(input: #"rate(x[5m] offset -1h)"#, expected: #"rate(x[5m] offset -1h)"#),
        OracleCase(input: #"x @ end()[5m:]"#, expected: #"x @ end()[5m:]"#),
        OracleCase(input: #"x offset 1ms"#, expected: #"x offset 1ms"#),
        OracleCase(input: #"x offset 1000ms"#, expected: #"x offset 1s"#),
        OracleCase(input: #"x offset 61s"#, expected: #"x offset 1m1s"#),
        OracleCase(input: #"x offset 3601s"#, expected: #"x offset 1h1s"#),
        OracleCase(input: #"x offset 86399999ms"#, expected: #"x offset 23h59m59s999ms"#),
        OracleCase(input: #"x[3w]"#, expected: #"x[3w]"#),
        OracleCase(input: #"x[52w]"#, expected: #"x[52w]"#),
        OracleCase(input: #"x[53w]"#, expected: #"x[53w]"#),
        OracleCase(input: #"x[730d]"#, expected: #"x[2y]"#),
        OracleCase(input: #"x[366d]"#, expected: #"x[366d]"#),
        OracleCase(input: #"x[1y1d]"#, expected: #"x[366d]"#),
        OracleCase(input: #"x[292y]"#, expected: #"x[292y]"#),
        OracleCase(input: #"x[1ms]"#, expected: #"x[1ms]"#),
        OracleCase(input: #"x[1s1ms]"#, expected: #"x[1s1ms]"#),
        OracleCase(input: #"sum(\#n  rate(x[5m])\#n) by (a)"#, expected: #"sum by (a) (rate(x[5m]))"#),
        OracleCase(input: #"# comment\#nx\#n# another\#n+ y"#, expected: #"x + y"#),
        OracleCase(input: #"`multi\#nline`"#, expected: #""multi\nline""#),
        OracleCase(input: #"x{a="b",a="c"}"#, expected: #"x{a="b",a="c"}"#),
        OracleCase(input: #"x{a=~".*",b=""}"#, expected: #"x{a=~".*",b=""}"#),
        OracleCase(input: #"{a=~".*",b!=""}"#, expected: #"{a=~".*",b!=""}"#),
        OracleCase(input: #"{__name__!=""}"#, expected: #"{__name__!=""}"#),
        OracleCase(input: #"{__name__=~".+"}"#, expected: #"{__name__=~".+"}"#),
        OracleCase(input: #"{a!~".*"}"#, expected: #"{a!~".*"}"#),
        OracleCase(input: #"foo:bar{a="b"}"#, expected: #"foo:bar{a="b"}"#),
        OracleCase(input: #":foo"#, expected: #":foo"#),
        OracleCase(input: #"foo:"#, expected: #"foo:"#),
        OracleCase(input: #"a:b:c[5m]"#, expected: #"a:b:c[5m]"#),
        OracleCase(input: #"sum(a:b) by (c)"#, expected: #"sum by (c) (a:b)"#),
        OracleCase(input: #"x_1_2"#, expected: #"x_1_2"#),
        OracleCase(input: #"_x"#, expected: #"_x"#),
        OracleCase(input: #"x-y"#, expected: #"x - y"#),
        OracleCase(input: #"x{a_b="c", A9="d"}"#, expected: #"x{A9="d",a_b="c"}"#),
        OracleCase(input: #"x{a9_="d"}"#, expected: #"x{a9_="d"}"#),
        OracleCase(input: #"1 + 2"#, expected: #"1 + 2"#),
        OracleCase(input: #"1 + 2 + x"#, expected: #"1 + 2 + x"#),
        OracleCase(input: #"1 == bool 2"#, expected: #"1 == bool 2"#),
        OracleCase(input: #"(1 > bool 2) + 1"#, expected: #"(1 > bool 2) + 1"#),
        OracleCase(input: #"1 + on() 1"#, expected: #"1 + 1"#),
        OracleCase(input: #"1 + on() group_left x"#, expected: #"1 + x"#),
        OracleCase(input: #"x < bool y"#, expected: #"x < bool y"#),
        OracleCase(input: #"x + ignoring(a) group_right(a) y"#, expected: #"x + ignoring (a) group_right (a) y"#),
    ]

    /// Invalid expressions and Prometheus' error.
    static let errors: [OracleCase] = [
        OracleCase(input: #"on"#, expected: #"1:1: parse error: unexpected <on>"#),
        OracleCase(input: #"sum(x"#, expected: #"1:6: parse error: unclosed left parenthesis"#),
        OracleCase(
            input: #"rate(x)"#,
            expected: #"1:6: parse error: expected type range vector in call to function "rate", got instant vector"#),
        OracleCase(
            input: #"rate(x[5m], 1)"#, expected: #"1:1: parse error: expected 1 argument(s) in call to "rate", got 2"#),
        OracleCase(input: #"foo(x)"#, expected: #"1:1: parse error: unknown function with name "foo""#),
        OracleCase(
            input: #"round()"#,
            expected: #"1:1: parse error: expected at least 1 argument(s) in call to "round", got 0"#),
        OracleCase(
            input: #"round(x, 1, 2)"#,
            expected: #"1:1: parse error: expected at most 2 argument(s) in call to "round", got 3"#),
        OracleCase(
            input: #"label_join(x)"#,
            expected: #"1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1"#),
        OracleCase(
            input: #"label_join(x, "a", ",", 1)"#,
            expected: #"1:25: parse error: expected type string in call to function "label_join", got scalar"#),
        OracleCase(input: #"time(1)"#, expected: #"1:1: parse error: expected 0 argument(s) in call to "time", got 1"#),
        OracleCase(
            input: #"{}"#, expected: #"1:1: parse error: vector selector must contain at least one non-empty matcher"#),
        OracleCase(
            input: #"{a=""}"#,
            expected: #"1:1: parse error: vector selector must contain at least one non-empty matcher"#),
        OracleCase(
            input: #"{a=~".*"}"#,
            expected: #"1:1: parse error: vector selector must contain at least one non-empty matcher"#),
        OracleCase(
            input: #"x{__name__="y"}"#, expected: #"1:1: parse error: metric name must not be set twice: "x" or "y""#),
        OracleCase(
            input: #"x{__name__=~"y"}"#, expected: #"1:1: parse error: metric name must not be set twice: "x" or "y""#),
        OracleCase(input: #"x[0s]"#, expected: #"1:3: parse error: duration must be greater than 0"#),
        OracleCase(input: #"x[5]"#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(input: #"x offset 0s"#, expected: #"1:10: parse error: duration must be greater than 0"#),
        OracleCase(
            input: #"(x) offset 5m"#,
            expected:
                #"1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"#
        ),
        OracleCase(
            input: #"x offset 5m offset 1m"#, expected: #"1:1: parse error: offset may not be set multiple times"#),
        OracleCase(
            input: #"x[5m] offset 1m offset 1m"#, expected: #"1:1: parse error: offset may not be set multiple times"#),
        OracleCase(
            input: #"x offset 5m [5m]"#, expected: #"1:13: parse error: no offset modifiers allowed before range"#),
        OracleCase(input: #"x @ 1 [5m]"#, expected: #"1:7: parse error: no @ modifiers allowed before range"#),
        OracleCase(input: #"x @ 1 @ 2"#, expected: #"1:1: parse error: @ <timestamp> may not be set multiple times"#),
        OracleCase(
            input: #"sum(x) offset 5m"#,
            expected:
                #"1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"#
        ),
        OracleCase(
            input: #"1 > 2"#, expected: #"1:3: parse error: comparisons between scalars must use BOOL modifier"#),
        OracleCase(
            input: #"1 and 2"#,
            expected: #"1:1: parse error: set operator "and" not allowed in binary scalar expression"#),
        OracleCase(
            input: #"x and 1"#,
            expected: #"1:1: parse error: set operator "and" not allowed in binary scalar expression"#),
        OracleCase(
            input: #"x + on(a) 1"#, expected: #"1:1: parse error: vector matching only allowed between instant vectors"#
        ),
        OracleCase(
            input: #"x and on(a) group_left(b) y"#,
            expected: #"1:1: parse error: no grouping allowed for "and" operation"#),
        OracleCase(
            input: #"x + bool y"#,
            expected: #"1:3: parse error: bool modifier can only be used on comparison operators"#),
        OracleCase(
            input: #"x + on(a) group_left(a) y"#,
            expected: #"1:3: parse error: label "a" must not occur in ON and GROUP clause at once"#),
        OracleCase(
            input: #""a" + 1"#,
            expected: #"1:1: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x[5m] + 1"#,
            expected: #"1:1: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"-x[5m]"#,
            expected:
                #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector""#
        ),
        OracleCase(
            input: #"-"a""#,
            expected:
                #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string""#
        ),
        OracleCase(
            input: #"+"a""#,
            expected:
                #"1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string""#
        ),
        OracleCase(input: #"x[5m][5m]"#, expected: #"1:6: parse error: ranges only allowed for vector selectors"#),
        OracleCase(input: #"x[5m:1m][5m]"#, expected: #"1:9: parse error: ranges only allowed for vector selectors"#),
        OracleCase(
            input: #"x[5m:1m][5m:1m]"#,
            expected: #"1:1: parse error: subquery is only allowed on instant vector, got matrix instead"#),
        OracleCase(
            input: #"rate(x[5m])[5m]"#, expected: #"1:12: parse error: ranges only allowed for vector selectors"#),
        OracleCase(
            input: #"topk(x)"#,
            expected:
                #"1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"#),
        OracleCase(
            input: #"topk(3)"#,
            expected:
                #"1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"#),
        OracleCase(
            input: #"topk("a", x)"#,
            expected: #"1:6: parse error: expected type scalar in aggregation parameter, got string"#),
        OracleCase(
            input: #"quantile("a", x)"#,
            expected: #"1:10: parse error: expected type scalar in aggregation parameter, got string"#),
        OracleCase(
            input: #"count_values(1, x)"#,
            expected: #"1:14: parse error: expected type string in aggregation parameter, got scalar"#),
        OracleCase(
            input: #"sum(1, x)"#,
            expected:
                #"1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"#),
        OracleCase(
            input: #"sum(x[5m])"#,
            expected: #"1:5: parse error: expected type instant vector in aggregation expression, got range vector"#),
        OracleCase(input: #"sum by (a) by (b) (x)"#, expected: #"1:12: parse error: unexpected <by> in aggregation"#),
        OracleCase(input: #"sum(x) by (a) by (b)"#, expected: #"1:15: parse error: unexpected <by>"#),
        OracleCase(
            input: #"x{a="b" c="d"}"#,
            expected: #"1:9: parse error: unexpected identifier "c" in label matching, expected "," or "}""#),
        OracleCase(
            input: #"x{a="b",,}"#,
            expected: #"1:9: parse error: unexpected "," in label matching, expected identifier or "}""#),
        OracleCase(
            input: #"x{a}"#,
            expected: #"1:4: parse error: unexpected "}" in label matching, expected label matching operator"#),
        OracleCase(input: #"x{a="b}"#, expected: #"1:5: parse error: unterminated quoted string"#),
        OracleCase(
            input: #"x{"a"="b"}"#,
            expected: #"1:3: parse error: unexpected string "\"a\"" in label matching, expected identifier or "}""#),
        OracleCase(
            input: #"x{a=b}"#,
            expected: #"1:5: parse error: unexpected identifier "b" in label matching, expected string"#),
        OracleCase(
            input: #"1e400"#,
            expected:
                #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e400": value out of range"#),
        OracleCase(
            input: #"0x"#,
            expected: #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "0x": invalid syntax"#),
        OracleCase(input: #"1.2.3"#, expected: #"1:4: parse error: unexpected number ".3""#),
        OracleCase(input: #"5m"#, expected: #"1:1: parse error: unexpected duration "5m""#),
        OracleCase(input: #"x[5mm]"#, expected: #"1:3: parse error: bad duration syntax: "5mm""#),
        OracleCase(input: #"x[5m3]"#, expected: #"1:3: parse error: bad duration syntax: "5m3""#),
        OracleCase(input: #"x[1m1h]"#, expected: #"1:3: parse error: not a valid duration string: "1m1h""#),
        OracleCase(input: #"x[1h1h]"#, expected: #"1:3: parse error: not a valid duration string: "1h1h""#),
        OracleCase(input: #"x[1.5m]"#, expected: #"1:3: parse error: not a valid duration string: "1.5m""#),
        OracleCase(input: #"x[-5m]"#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(input: #"x[5m:0s]"#, expected: #"1:6: parse error: duration must be greater than 0"#),
        OracleCase(input: #"'abc"#, expected: #"1:1: parse error: unterminated quoted string"#),
        OracleCase(input: #""a\qb""#, expected: #"1:1: parse error: unknown escape sequence U+0071 'q'"#),
        OracleCase(input: #""\xZZ""#, expected: #"1:1: parse error: illegal character U+005A 'Z' in escape sequence"#),
        OracleCase(input: #"x $ y"#, expected: #"1:3: parse error: unexpected character: '$'"#),
        OracleCase(input: #"x}"#, expected: #"1:2: parse error: unexpected character: '}'"#),
        OracleCase(input: #"x)"#, expected: #"1:3: parse error: unexpected right parenthesis ')'"#),
        OracleCase(input: #"()"#, expected: #"1:2: parse error: unexpected ")""#),
        OracleCase(input: #"(x"#, expected: #"1:3: parse error: unclosed left parenthesis"#),
        OracleCase(input: #"x y"#, expected: #"1:3: parse error: unexpected identifier "y""#),
        OracleCase(input: #"sum(x) (y)"#, expected: #"1:8: parse error: unexpected "(""#),
        OracleCase(input: #"ignoring"#, expected: #"1:1: parse error: unexpected <ignoring>"#),
        OracleCase(input: #"group_left"#, expected: #"1:1: parse error: unexpected <group_left>"#),
        OracleCase(input: #"group_right"#, expected: #"1:1: parse error: unexpected <group_right>"#),
        OracleCase(input: #"bool"#, expected: #"1:1: parse error: unexpected <bool>"#),
        OracleCase(input: #"atan2"#, expected: #"1:1: parse error: unexpected <op:atan2>"#),
        OracleCase(
            input: #"sum by (inf) (x)"#,
            expected: #"1:9: parse error: unexpected number "inf" in grouping opts, expected label"#),
        OracleCase(
            input: #"x + on(inf, nan) y"#,
            expected: #"1:8: parse error: unexpected number "inf" in grouping opts, expected label"#),
        OracleCase(
            input: #"x{,}"#,
            expected: #"1:3: parse error: unexpected "," in label matching, expected identifier or "}""#),
        OracleCase(
            input: #"x{__name__=~"y", a="b"}"#,
            expected: #"1:1: parse error: metric name must not be set twice: "x" or "y""#),
        OracleCase(input: #"x @ Inf"#, expected: #"1:1: parse error: timestamp out of bounds for @ modifier: +Inf"#),
        OracleCase(
            input: #"x @ start"#, expected: #"1:10: parse error: unexpected end of input in @, expected timestamp"#),
        OracleCase(input: #"x=~1"#, expected: #"1:2: parse error: unexpected character after '=': '~'"#),
        OracleCase(
            input: #"year(x, x)"#,
            expected: #"1:1: parse error: expected at most 1 argument(s) in call to "year", got 2"#),
        OracleCase(
            input: #"sort_by_label(x, "a")"#, expected: #"1:1: parse error: unknown function with name "sort_by_label""#
        ),
        OracleCase(input: #"limitk(1, x)"#, expected: #"1:1: parse error: unknown function with name "limitk""#),
        OracleCase(
            input: #"mad_over_time(x[5m])"#, expected: #"1:1: parse error: unknown function with name "mad_over_time""#),
        OracleCase(input: #"on{a="b"}"#, expected: #"1:1: parse error: unexpected <on>"#),
        OracleCase(
            input: #"x[5m:1m] offset 1m offset 1m"#,
            expected: #"1:1: parse error: offset may not be set multiple times"#),
        OracleCase(input: #"x[a]"#, expected: #"1:3: parse error: bad duration syntax: """#),
        OracleCase(
            input: #"x[5m,1m]"#,
            expected: #"1:5: parse error: unexpected "," in subquery or range, expected ":" or "]""#),
        OracleCase(input: #"x[(5m)]"#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(input: #"x[5m:1m:1m]"#, expected: #"1:8: parse error: unexpected colon ':'"#),
        OracleCase(input: #"x[5m"#, expected: #"1:5: parse error: unclosed left bracket"#),
        OracleCase(input: #"x["#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(input: #"x[]"#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(input: #"x[:5m]"#, expected: #"1:3: parse error: missing unit character in duration"#),
        OracleCase(
            input: #"x[5m:-1m]"#,
            expected: #"1:6: parse error: unexpected <op:-> in subquery selector, expected duration or "]""#),
        OracleCase(input: #"x[5m::]"#, expected: #"1:6: parse error: unexpected colon ':'"#),
        OracleCase(
            input: #"x[5m:1]"#,
            expected: #"1:6: parse error: unexpected number "1" in subquery selector, expected duration or "]""#),
        OracleCase(
            input: #"x[5m] [5m:]"#,
            expected: #"1:1: parse error: subquery is only allowed on instant vector, got matrix instead"#),
        OracleCase(input: #"x{a="b""#, expected: #"1:8: parse error: unexpected end of input inside braces"#),
        OracleCase(input: #"x{a="b","#, expected: #"1:9: parse error: unexpected end of input inside braces"#),
        OracleCase(input: #"x{a=~1}"#, expected: #"1:6: parse error: unexpected character inside braces: '1'"#),
        OracleCase(input: #"x{a:b="c"}"#, expected: #"1:4: parse error: unexpected character inside braces: ':'"#),
        OracleCase(input: #"x{a="b"}}"#, expected: #"1:9: parse error: unexpected character: '}'"#),
        OracleCase(input: #"x{{"#, expected: #"1:3: parse error: unexpected left brace '{'"#),
        OracleCase(input: #"x{a="b"[5m]}"#, expected: #"1:8: parse error: unexpected character inside braces: '['"#),
        OracleCase(input: #"x{a="b" # c"#, expected: #"1:12: parse error: unexpected end of input inside braces"#),
        OracleCase(
            input: #"sum(x,)"#, expected: #"1:6: parse error: trailing commas not allowed in function call args"#),
        OracleCase(
            input: #"rate(x[5m],)"#, expected: #"1:11: parse error: trailing commas not allowed in function call args"#),
        OracleCase(
            input: #"round(x,)"#, expected: #"1:8: parse error: trailing commas not allowed in function call args"#),
        OracleCase(
            input: #"label_join(x, "a", ",",)"#,
            expected: #"1:23: parse error: trailing commas not allowed in function call args"#),
        OracleCase(input: #"sum by (a) x"#, expected: #"1:12: parse error: unexpected identifier "x" in aggregation"#),
        OracleCase(
            input: #"sum by a (x)"#,
            expected: #"1:8: parse error: unexpected identifier "a" in grouping opts, expected "(""#),
        OracleCase(
            input: #"topk(3, x,)"#, expected: #"1:10: parse error: trailing commas not allowed in function call args"#),
        OracleCase(input: #"foo("#, expected: #"1:5: parse error: unclosed left parenthesis"#),
        OracleCase(input: #"x +"#, expected: #"1:4: parse error: unexpected end of input"#),
        OracleCase(input: #"+"#, expected: #"1:2: parse error: unexpected end of input"#),
        OracleCase(input: #"-"#, expected: #"1:2: parse error: unexpected end of input"#),
        OracleCase(input: #"# just a comment"#, expected: #"1:1: parse error: no expression found in input"#),
        OracleCase(
            input: #"x offset 5"#, expected: #"1:10: parse error: unexpected number "5" in offset, expected duration"#),
        OracleCase(
            input: #"x offset"#, expected: #"1:9: parse error: unexpected end of input in offset, expected duration"#),
        OracleCase(
            input: #"x offset -"#, expected: #"1:11: parse error: unexpected end of input in offset, expected duration"#
        ),
        OracleCase(
            input: #"x offset 5m offset"#,
            expected: #"1:19: parse error: unexpected end of input in offset, expected duration"#),
        OracleCase(input: #"x @"#, expected: #"1:4: parse error: unexpected end of input in @, expected timestamp"#),
        OracleCase(input: #"x @ start("#, expected: #"1:11: parse error: unclosed left parenthesis"#),
        OracleCase(
            input: #"x @ foo()"#, expected: #"1:5: parse error: unexpected identifier "foo" in @, expected timestamp"#),
        OracleCase(
            input: #"x @ "1""#, expected: #"1:5: parse error: unexpected string "\"1\"" in @, expected timestamp"#),
        OracleCase(input: #"x @ -Inf"#, expected: #"1:1: parse error: timestamp out of bounds for @ modifier: -Inf"#),
        OracleCase(
            input: #"x @ 9223372036854775807"#,
            expected: #"1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000"#),
        OracleCase(
            input: #"x @ 1 @ start()"#, expected: #"1:1: parse error: @ <timestamp> may not be set multiple times"#),
        OracleCase(
            input: #"sum by (a:b) (x)"#,
            expected: #"1:9: parse error: unexpected metric identifier "a:b" in grouping opts, expected label"#),
        OracleCase(
            input: #"x + on(a:b) y"#,
            expected: #"1:8: parse error: unexpected metric identifier "a:b" in grouping opts, expected label"#),
        OracleCase(
            input: #"x + on a y"#,
            expected: #"1:8: parse error: unexpected identifier "a" in grouping opts, expected "(""#),
        OracleCase(input: #"x + on(a) group_left b y"#, expected: #"1:24: parse error: unexpected identifier "y""#),
        OracleCase(input: #"x bool"#, expected: #"1:3: parse error: unexpected <bool>"#),
        OracleCase(input: #"x > bool bool 1"#, expected: #"1:10: parse error: unexpected <bool>"#),
        OracleCase(input: #"x > on(a) bool 1"#, expected: #"1:11: parse error: unexpected <bool>"#),
        OracleCase(
            input: #"x and bool y"#,
            expected: #"1:3: parse error: bool modifier can only be used on comparison operators"#),
        OracleCase(input: #"x == on(a) bool y"#, expected: #"1:12: parse error: unexpected <bool>"#),
        OracleCase(input: #"a = b"#, expected: #"1:3: parse error: unexpected "=""#),
        OracleCase(input: #"x=~"a""#, expected: #"1:2: parse error: unexpected character after '=': '~'"#),
        OracleCase(input: #"x!~"a""#, expected: #"1:2: parse error: unexpected character after '!': '~'"#),
        OracleCase(input: #"!x"#, expected: #"1:1: parse error: unexpected character after '!': 'x'"#),
        OracleCase(
            input: #"histogram_stddev(x)"#,
            expected: #"1:1: parse error: unknown function with name "histogram_stddev""#),
        OracleCase(
            input: #"histogram_stdvar(x)"#,
            expected: #"1:1: parse error: unknown function with name "histogram_stdvar""#),
        OracleCase(input: #"'\"'"#, expected: #"1:1: parse error: unknown escape sequence U+0022 '"'"#),
        OracleCase(input: #""\'""#, expected: #"1:1: parse error: unknown escape sequence U+0027 '''"#),
        OracleCase(
            input: #""\uD800""#, expected: #"1:1: parse error: escape sequence is an invalid Unicode code point"#),
        OracleCase(
            input: #""\U00110000""#, expected: #"1:1: parse error: escape sequence is an invalid Unicode code point"#),
        OracleCase(input: #""\u12""#, expected: #"1:1: parse error: illegal character U+0022 '"' in escape sequence"#),
        OracleCase(input: #""\400""#, expected: #"1:1: parse error: escape sequence is an invalid Unicode code point"#),
        OracleCase(input: #"rate(x y)"#, expected: #"1:8: parse error: unexpected identifier "y""#),
        OracleCase(input: #"sum(x y)"#, expected: #"1:7: parse error: unexpected identifier "y" in aggregation"#),
        OracleCase(input: #"x{a="b"} y"#, expected: #"1:10: parse error: unexpected identifier "y""#),
        OracleCase(
            input: #"sum by (a b) (x)"#,
            expected: #"1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")""#),
        OracleCase(input: #"sum by (a"#, expected: #"1:10: parse error: unclosed left parenthesis"#),
        OracleCase(
            input: #"x + on(a b) y"#,
            expected: #"1:10: parse error: unexpected identifier "b" in grouping opts, expected "," or ")""#),
        OracleCase(
            input: #"x @ start(1)"#, expected: #"1:11: parse error: unexpected number "1" in @, expected timestamp"#),
        OracleCase(
            input: #"x[5m:1m 1]"#,
            expected: #"1:9: parse error: unexpected number "1" in subquery selector, expected "]""#),
        OracleCase(input: #"x[5m:1m:"#, expected: #"1:8: parse error: unexpected colon ':'"#),
        OracleCase(
            input: #"rate(1)"#,
            expected: #"1:6: parse error: expected type range vector in call to function "rate", got scalar"#),
        OracleCase(
            input: #"rate("a")"#,
            expected: #"1:6: parse error: expected type range vector in call to function "rate", got string"#),
        OracleCase(
            input: #"histogram_quantile(x, y)"#,
            expected:
                #"1:20: parse error: expected type scalar in call to function "histogram_quantile", got instant vector"#
        ),
        OracleCase(
            input: #"histogram_quantile("a", y)"#,
            expected: #"1:20: parse error: expected type scalar in call to function "histogram_quantile", got string"#),
        OracleCase(
            input: #"round(x, "a")"#,
            expected: #"1:10: parse error: expected type scalar in call to function "round", got string"#),
        OracleCase(
            input: #"label_replace(x, 1, "a", "b", "c")"#,
            expected: #"1:18: parse error: expected type string in call to function "label_replace", got scalar"#),
        OracleCase(
            input: #"vector(x)"#,
            expected: #"1:8: parse error: expected type scalar in call to function "vector", got instant vector"#),
        OracleCase(
            input: #"scalar(1)"#,
            expected: #"1:8: parse error: expected type instant vector in call to function "scalar", got scalar"#),
        OracleCase(
            input: #"time() > 1"#, expected: #"1:8: parse error: comparisons between scalars must use BOOL modifier"#),
        OracleCase(
            input: #"quantile(x, y)"#,
            expected: #"1:10: parse error: expected type scalar in aggregation parameter, got instant vector"#),
        OracleCase(
            input: #"count_values(x, y)"#,
            expected: #"1:14: parse error: expected type string in aggregation parameter, got instant vector"#),
        OracleCase(
            input: #"count_values("a" + "b", y)"#,
            expected: #"1:14: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"sum("a")"#,
            expected: #"1:5: parse error: expected type instant vector in aggregation expression, got string"#),
        OracleCase(
            input: #"sum(1)"#,
            expected: #"1:5: parse error: expected type instant vector in aggregation expression, got scalar"#),
        OracleCase(
            input: #"avg(x[5m])"#,
            expected: #"1:5: parse error: expected type instant vector in aggregation expression, got range vector"#),
        OracleCase(input: #"(x)[5m]"#, expected: #"1:4: parse error: ranges only allowed for vector selectors"#),
        OracleCase(
            input: #"(x[5m])[5m:1m]"#,
            expected: #"1:1: parse error: subquery is only allowed on instant vector, got matrix instead"#),
        OracleCase(
            input: #"1[5m:1m]"#,
            expected: #"1:1: parse error: subquery is only allowed on instant vector, got scalar instead"#),
        OracleCase(
            input: #""a"[5m:1m]"#,
            expected: #"1:1: parse error: subquery is only allowed on instant vector, got string instead"#),
        OracleCase(
            input: #"x offset 5m @ 10 offset 1m"#, expected: #"1:1: parse error: offset may not be set multiple times"#),
        OracleCase(input: #"x[293y]"#, expected: #"1:3: parse error: duration out of range"#),
        OracleCase(input: #"x[999999y]"#, expected: #"1:3: parse error: duration out of range"#),
        OracleCase(
            input: #"sum(\#n  rate(x)\#n)"#,
            expected: #"2:8: parse error: expected type range vector in call to function "rate", got instant vector"#),
        OracleCase(input: #"x +\#n  foo(y)"#, expected: #"2:3: parse error: unknown function with name "foo""#),
        OracleCase(
            input: #"x\#n+\#ny{a="b"\#n"#, expected: #"4:1: parse error: unexpected end of input inside braces"#),
        OracleCase(input: #"x{a="é"} + rate(ü)"#, expected: #"1:18: parse error: unexpected character: 'ü'"#),
        OracleCase(
            input: #"x{a="é"} + rate(y)"#,
            expected: #"1:18: parse error: expected type range vector in call to function "rate", got instant vector"#),
        OracleCase(
            input: #""é" + 1"#,
            expected: #"1:1: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(input: #""multi\#nline""#, expected: #"1:1: parse error: unterminated quoted string"#),
        OracleCase(
            input: #"{__name__=""}"#,
            expected: #"1:1: parse error: vector selector must contain at least one non-empty matcher"#),
        OracleCase(input: #"x.y"#, expected: #"1:2: parse error: unexpected character: '.'"#),
        OracleCase(
            input: #""a" == "b""#,
            expected: #"1:1: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x == "b""#,
            expected: #"1:6: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x + y[5m]"#,
            expected: #"1:5: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x[5m] and y"#,
            expected: #"1:1: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x and y[5m]"#,
            expected: #"1:7: parse error: binary expression must contain only scalar and instant vector types"#),
        OracleCase(
            input: #"x unless on() group_left y"#,
            expected: #"1:1: parse error: no grouping allowed for "unless" operation"#),
        OracleCase(
            input: #"x or ignoring(a) group_right y"#,
            expected: #"1:1: parse error: no grouping allowed for "or" operation"#),
        OracleCase(
            input: #"1 or x"#, expected: #"1:1: parse error: set operator "or" not allowed in binary scalar expression"#
        ),
        OracleCase(
            input: #"x + ignoring(a) 1"#,
            expected: #"1:1: parse error: vector matching only allowed between instant vectors"#),
        OracleCase(
            input: #"x + bool 1"#,
            expected: #"1:3: parse error: bool modifier can only be used on comparison operators"#),
        OracleCase(
            input: #"x atan2 bool y"#,
            expected: #"1:3: parse error: bool modifier can only be used on comparison operators"#),
        OracleCase(
            input: #"x + on(a) group_right(a) y"#,
            expected: #"1:3: parse error: label "a" must not occur in ON and GROUP clause at once"#),
    ]
}
