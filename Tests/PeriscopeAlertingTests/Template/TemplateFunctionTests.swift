import Testing

@testable import PeriscopeAlerting

/// Go's builtins and Prometheus 2.42's template functions.
@Suite struct TemplateFunctionTests {
    static let upSamples = [
        TemplateSample(labels: ["__name__": "up", "instance": "b:9100", "job": "node"], value: 1),
        TemplateSample(labels: ["__name__": "up", "instance": "a:9100", "job": "node"], value: 0),
    ]
    let query = fixedQueries([
        "up": Self.upSamples,
        "none": [],
        "scalar(1)": [TemplateSample(labels: [:], value: 1)],
        "str": [TemplateSample(labels: ["__value__": "text"], value: 0)],
    ])

    // MARK: Go builtins

    @Test func printFunctions() throws {
        #expect(try render(#"{{ print 1 2 "a" 3 "b" "c" }}"#) == "1 2a3bc")
        #expect(try render(#"{{ println 1 "a" }}"#) == "1 a\n")
        #expect(try render("{{ print }}") == "")
        #expect(try render("{{ print nil }}") == "<nil>")
        #expect(try render("{{ print $labels.x }}") == "")
        #expect(try render("{{ print (args).x }}") == "<nil>")
        #expect(try render("{{ (args).x }}") == "<no value>")
    }

    @Test(arguments: [
        (#"{{ printf "%d|%5d|%-5d|%05d|%+d|% d" 42 42 42 42 42 42 }}"#, "42|   42|42   |00042|+42| 42"),
        (
            #"{{ printf "%x %X %o %O %b %c %U %#x %#o" 255 255 8 8 5 65 65 255 8 }}"#,
            "ff FF 10 0o10 101 A U+0041 0xff 010"
        ),
        (#"{{ printf "%q %q %v" "a\"b" 'x' "s" }}"#, #""a\"b" 'x' s"#),
        (
            #"{{ printf "%s|%10s|%-10s|%.3s|%x|% X" "go" "right" "left" "abcdef" "hi" "hi" }}"#,
            "go|     right|left      |abc|6869|68 69"
        ),
        (#"{{ printf "%t %v" true false }}"#, "true false"),
        (#"{{ printf "%d%%" 50 }}"#, "50%"),
        (#"{{ printf "%d %d" 1 }}"#, "1 %!d(MISSING)"),
        (#"{{ printf "%d" 1 2 }}"#, "1%!(EXTRA int=2)"),
        (#"{{ printf "%d" 1 "x" 2.5 }}"#, "1%!(EXTRA string=x, float64=2.5)"),
        (#"{{ printf "%s %d" 5 "x" }}"#, "%!s(int=5) %!d(string=x)"),
        (#"{{ printf "%f" 5 }}"#, "%!f(int=5)"),
        (#"{{ printf "%s" nil }}"#, "%!s(<nil>)"),
        (#"{{ printf "%v" nil }}"#, "<nil>"),
        (#"{{ printf "%!" }}"#, "%!!(MISSING)"),
        (#"{{ printf "abc%" }}"#, "abc%!(NOVERB)"),
        (#"{{ printf "%[2]d %[1]d" 1 2 }}"#, "2 1"),
        (#"{{ printf "%*d|%-*d" 4 7 3 8 }}"#, "   7|8  "),
        (#"{{ printf "%.*f" 2 3.14159 }}"#, "3.14"),
        (#"{{ printf "%v" $labels }}"#, "map[a:1]"),
        (#"{{ printf "%s" $labels }}"#, "map[a:1]"),
        (#"{{ printf "%d" $labels }}"#, "map[%!d(string=a):%!d(string=1)]"),
        (#"{{ printf "%#v" $labels }}"#, #"map[string]string{"a":"1"}"#),
        (#"{{ printf "%T" $labels }}"#, "map[string]string"),
        (#"{{ printf "%v" (args 1 "x") }}"#, "map[arg0:1 arg1:x]"),
        (#"{{ printf "%v" (safeHtml "<b>") }}"#, "<b>"),
        (#"{{ printf "%T" (safeHtml "<b>") }}"#, "template.HTML"),
        (#"{{ printf "%q" "é\n" }}"#, #""é\n""#),
        (#"{{ printf "%+q" "é" }}"#, #""\u00e9""#),
        (#"{{ printf "%x" "é" }}"#, "c3a9"),
        (#"{{ printf "%5t|" true }}"#, " true|"),
        (#"{{ printf "%6.2f%%" 12.345 }}"#, " 12.35%"),
    ])
    func printf(text: String, expected: String) throws {
        #expect(try render(text, labels: ["a": "1"]) == expected)
    }

    @Test func printfOfValue() throws {
        #expect(try render(#"{{ printf "%d" $value }}"#, value: 3) == "%!d(float64=3)")
        #expect(try render(#"{{ printf "%.0f" $value }}"#, value: 3) == "3")
        #expect(try render(#"{{ printf "%v" $value }}"#, value: 1e6) == "1e+06")
        #expect(try render(#"{{ printf "%s" $value }}"#, value: 0.5) == "%!s(float64=0.5)")
        #expect(try render(#"{{ printf "%g" $value }}"#, value: 1e-7) == "1e-07")
        #expect(try render(#"{{ printf "%.3g" $value }}"#, value: 1234.5) == "1.23e+03")
        #expect(try render(#"{{ printf "%e" $value }}"#, value: 1234.5) == "1.234500e+03")
        #expect(try render(#"{{ printf "%5.1f|%-7.2f|" $value $value }}"#, value: 2.25) == "  2.2|2.25   |")
    }

    @Test func lenIndexSlice() throws {
        #expect(try render("{{ len $labels }}", labels: ["a": "1", "b": "2"]) == "2")
        #expect(try render(#"{{ len "héllo" }}"#) == "6")
        #expect(try render(#"{{ index "abc" 1 }}"#) == "98")
        #expect(try render(#"{{ index $labels "a" }}"#, labels: ["a": "1"]) == "1")
        #expect(try render("{{ index $labels }}", labels: ["a": "1"]) == "map[a:1]")
        #expect(try render(#"{{ index (args "x" "y") "arg1" }}"#) == "y")
        #expect(try render(#"{{ slice "abcdef" 1 3 }}|{{ slice "abc" 1 }}|{{ slice "abc" }}"#) == "bc|bc|abc")
        #expect(renderError("{{ len 3 }}")?.message == "error calling len: len of type int")
        #expect(renderError(#"{{ index "abc" 5 }}"#)?.message == "error calling index: index out of range: 5")
        #expect(
            renderError(#"{{ index "abc" 3 }}"#)?.message == "error calling index: reflect: string index out of range")
        #expect(
            renderError(#"{{ index "abc" "x" }}"#)?.message
                == "error calling index: cannot index slice/array with type string")
        #expect(
            renderError("{{ index $labels 1 }}")?.message == "error calling index: value has type int; should be string"
        )
        #expect(renderError("{{ index 1 1 }}")?.message == "error calling index: can't index item of type int")
        #expect(renderError("{{ index nil 1 }}")?.message == "error calling index: index of untyped nil")
        #expect(renderError(#"{{ slice "abc" 2 1 }}"#)?.message == "error calling slice: invalid slice index: 2 > 1")
    }

    @Test func logic() throws {
        #expect(
            try render("{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 \"\" \"x\" }}|{{ or 0 \"\" }}|{{ not 0 }}")
                == "0|2|x||true")
        // Short-circuit: the failing call is never made.
        #expect(try render(#"{{ or 1 (humanize "bad") }}|{{ and 0 (humanize "bad") }}"#) == "1|0")
        #expect(try render("{{ true | and 1 }}|{{ 0 | or 0 }}") == "true|0")
        #expect(renderError("{{ and }}")?.message == "wrong number of args for and: want at least 1 got 0")
        #expect(renderError("{{ not 1 2 }}")?.message == "wrong number of args for not: want 1 got 2")
    }

    @Test func comparisons() throws {
        #expect(
            try render(#"{{ eq "a" "b" "a" }} {{ eq 1 2 }} {{ ne 1 2 }} {{ eq 1.5 1.5 }}"#) == "true false true true")
        #expect(
            try render(#"{{ lt 1.5 2.5 }} {{ le "a" "b" }} {{ gt 3 2 }} {{ ge 2 2 }} {{ lt "B" "a" }}"#)
                == "true true true true true")
        #expect(try render(#"{{ eq $labels.severity "critical" "page" }}"#, labels: ["severity": "page"]) == "true")
        #expect(try render(#"{{ eq $labels.missing "" }}"#) == "true")
        #expect(try render("{{ eq (index \"a\" 0) 97 }}") == "true")
        #expect(try render("{{ eq nil nil }} {{ eq \"x\" nil }}") == "true false")
        // NaN: gt is "not le", so it holds for NaN, as in Go.
        #expect(
            try render("{{ gt $value 1.0 }} {{ lt $value 1.0 }} {{ eq $value $value }}", value: .nan)
                == "true false false")
        #expect(
            renderError("{{ gt $value 1 }}", value: 2)?.message == "error calling gt: incompatible types for comparison"
        )
        #expect(
            renderError("{{ eq $value 1 }}", value: 1)?.message == "error calling eq: incompatible types for comparison"
        )
        #expect(renderError("{{ lt true false }}")?.message == "error calling lt: invalid type for comparison")
        #expect(renderError("{{ lt $labels 1 }}")?.message == "error calling lt: invalid type for comparison")
        #expect(renderError("{{ eq 1 }}")?.message == "error calling eq: missing argument for comparison")
    }

    @Test func escapers() throws {
        #expect(try render(#"{{ html "<a href='x'>&\"</a>" }}"#) == "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;")
        #expect(try render(#"{{ js "a'b\"c\\d<e>&f=g\n" }}"#) == #"a\'b\"c\\d\u003Ce\u003E\u0026f\u003Dg\u000A"#)
        #expect(try render(#"{{ urlquery "a b&c=d/é~" }}"#) == "a+b%26c%3Dd%2F%C3%A9~")
        #expect(try render("{{ html 1 2 }}") == "1 2")
        #expect(try render("{{ html nil }}") == "&lt;no value&gt;")
        #expect(try render(#"{{ "<x>" | html }}"#) == "&lt;x&gt;")
    }

    // MARK: Prometheus functions

    @Test func queries() throws {
        #expect(
            try render(#"{{ range query "up" }}{{ .Labels.instance }}={{ .Value }} {{ end }}"#, query: query)
                == "b:9100=1 a:9100=0 "
        )
        #expect(
            try render(
                #"{{ range $i, $s := query "up" | sortByLabel "instance" }}{{ $i }}:{{ label "instance" $s }} {{ end }}"#,
                query: query)
                == "0:a:9100 1:b:9100 "
        )
        #expect(try render(#"{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}"#, query: query) == "1")
        #expect(try render(#"{{ query "up" | first | label "job" }}"#, query: query) == "node")
        #expect(try render(#"{{ (query "up" | first).Labels.instance }}"#, query: query) == "b:9100")
        #expect(try render(#"{{ (index (query "up") 1).Value }}"#, query: query) == "0")
        #expect(try render(#"{{ len (query "up") }}"#, query: query) == "2")
        #expect(try render(#"{{ query "scalar(1)" | first | value }}"#, query: query) == "1")
        #expect(try render(#"{{ query "str" | first | strvalue }}"#, query: query) == "text")
        #expect(try render(#"{{ with query "none" }}some{{ else }}none{{ end }}"#, query: query) == "none")
        #expect(try render(#"{{ range query "none" }}x{{ else }}empty{{ end }}"#, query: query) == "empty")
        #expect(
            try render(#"{{ query "up" | first }}"#, query: query) == "{map[__name__:up instance:b:9100 job:node] 1}")
        #expect(
            try render(#"{{ printf "%v" (query "up" | first) }}"#, query: query)
                == "&{map[__name__:up instance:b:9100 job:node] 1}")
    }

    @Test func queryErrors() {
        let error = { (text: String) -> String? in
            do {
                _ = try render(text, query: query)
                return nil
            } catch {
                return (error as? TemplateError)?.message
            }
        }
        #expect(
            error(#"{{ query "none" | first }}"#) == "error calling first: first() called on vector with no elements")
        #expect(error(#"{{ query "bad" }}"#) == "error calling query: unknown query bad")
        #expect(
            error(#"{{ value (query "up") }}"#)
                == "wrong type for value; expected *template.sample; got template.queryResult")
        #expect(
            error(#"{{ query "up" | value }}"#)
                == "wrong type for value; expected *template.sample; got template.queryResult")
        #expect(error(#"{{ first 1 }}"#) == "can't handle 1 for arg of type template.queryResult")
        #expect(
            error(#"{{ value nil }}"#)
                == "error calling value: runtime error: invalid memory address or nil pointer dereference")
        #expect(renderError(#"{{ query "up" }}"#)?.message == "error calling query: no query function is configured")
    }

    @Test func strings() throws {
        #expect(try render(#"{{ title "hello wORLD foo_bar x-y" }}"#) == "Hello WORLD Foo_bar X-Y")
        #expect(try render(#"{{ toUpper "straße é" }}|{{ toLower "ÉCOLE İ" }}"#) == "STRAßE É|école i")
        #expect(try render(#"{{ match "^web-[0-9]+" "web-12:80" }} {{ match "^db" "web" }}"#) == "true false")
        #expect(try render(#"{{ reReplaceAll "(a)(b)" "$2$1" "abab" }}"#) == "baba")
        #expect(try render(#"{{ reReplaceAll ":.*" "" "host:9090" }}"#) == "host")
        #expect(try render(#"{{ reReplaceAll "a*" "X" "baaac" }}"#) == "XbXcX")
        #expect(
            try render(#"{{ reReplaceAll "(?P<host>[^:]+):(?P<port>\\d+)" "${port}@$host" "db:5432" }}"#) == "5432@db")
        #expect(
            try render(
                #"{{ reReplaceAll "x" "$$1" "axb" }}|{{ reReplaceAll "(x)" "$1y" "axb" }}|{{ reReplaceAll "(x)" "${1}y" "axb" }}"#
            ) == "a$1b|ab|axyb")
        #expect(try render(#"{{ reReplaceAll "o$" "0" "foo\n" }}|{{ reReplaceAll "o$" "0" "foo" }}"#) == "foo\n|fo0")
        #expect(try render(#"{{ reReplaceAll "[[]" "(" "a[b" }}"#) == "a(b")
        #expect(try render(#"{{ safeHtml "<b>x</b>" }}"#) == "<b>x</b>")
        #expect(
            try render(#"{{ $labels.instance | reReplaceAll "(.*):.*" "$1" }}"#, labels: ["instance": "web-1:9090"])
                == "web-1")
    }

    @Test func regexpErrors() {
        #expect(
            renderError(#"{{ match "(" "x" }}"#)?.message.hasPrefix("error calling match: error parsing regexp: ")
                == true)
        #expect(
            renderError(#"{{ reReplaceAll "(" "" "x" }}"#)?.message.hasPrefix(
                "error calling reReplaceAll: regexp: Compile(`(`): error parsing regexp: ") == true)
    }

    @Test func hostsAndPorts() throws {
        #expect(
            try render(
                #"{{ stripPort "host:9090" }}|{{ stripPort "[::1]:9090" }}|{{ stripPort "host" }}|{{ stripPort "a:b:c" }}"#
            ) == "host|::1|host|a:b:c")
        #expect(
            try render(
                #"{{ stripDomain "foo.example.com:9090" }}|{{ stripDomain "foo.bar" }}|{{ stripDomain "1.2.3.4:9090" }}"#
            ) == "foo:9090|foo|1.2.3.4:9090")
        #expect(
            try render(#"{{ stripDomain "[::1]:80" }}|{{ stripDomain "2001:db8::1" }}|{{ stripDomain "localhost" }}"#)
                == "[::1]:80|2001:db8::1|localhost")
    }

    @Test func links() throws {
        #expect(try render(#"{{ graphLink "up{job=\"a b\"}" }}"#) == "/graph?g0.expr=up%7Bjob%3D%22a+b%22%7D&g0.tab=0")
        #expect(try render(#"{{ tableLink "rate(x[5m])" }}"#) == "/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=1")
        #expect(
            try render("{{ pathPrefix }}|{{ externalURL }}", externalURL: "https://example.com/prom/")
                == "/prom/|https://example.com/prom/")
        #expect(
            try render("{{ pathPrefix }}|{{ externalURL }}", externalURL: "http://example.com:9090")
                == "|http://example.com:9090")
        #expect(try render("{{ toUpper externalURL }}", externalURL: "http://x") == "HTTP://X")
    }

    @Test func parseDuration() throws {
        #expect(
            try render(
                #"{{ parseDuration "1h30m" }}|{{ parseDuration "1ms" }}|{{ parseDuration "0" }}|{{ parseDuration "1y2w3d" }}"#
            ) == "5400|0.001|0|3.30048e+07")
        #expect(try render(#"{{ parseDuration "5m" | humanizeDuration }}"#) == "5m 0s")
        #expect(
            renderError(#"{{ parseDuration "abc" }}"#)?.message
                == #"error calling parseDuration: not a valid duration string: "abc""#)
        #expect(
            renderError(#"{{ parseDuration "1s1m" }}"#)?.message
                == #"error calling parseDuration: not a valid duration string: "1s1m""#)
        #expect(
            renderError(#"{{ parseDuration "" }}"#)?.message == "error calling parseDuration: empty duration string")
        #expect(
            renderError(#"{{ parseDuration "1.5h" }}"#)?.message
                == #"error calling parseDuration: not a valid duration string: "1.5h""#)
    }

    @Test func args() throws {
        #expect(try render(#"{{ with args 1 "x" }}{{ .arg0 }} {{ .arg1 }}{{ end }}"#) == "1 x")
        #expect(try render("{{ (args 1).arg5 }}") == "<no value>")
        #expect(try render("{{ len (args 1 2 3) }}") == "3")
        #expect(try render("{{ range $k, $v := args 2 1 }}{{ $k }}={{ $v }} {{ end }}") == "arg0=2 arg1=1 ")
    }
}
