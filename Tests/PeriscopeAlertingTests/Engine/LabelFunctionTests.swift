import Testing

@testable import PeriscopeAlerting

@Suite("label_replace and label_join")
struct LabelFunctionTests {
    let fixture = EngineFixture([
        "up{job=\"api-server\",instance=\"host1:9090\"}": "1",
        "up{job=\"db\",instance=\"host2:9100\"}": "0",
    ])

    func replace(_ dst: String, _ replacement: String, _ src: String, _ regex: String) -> Expr {
        PQL.call("label_replace", PQL.sel("up"), PQL.str(dst), PQL.str(replacement), PQL.str(src), PQL.str(regex))
    }

    @Test func replacesWithCaptureGroupsAndKeepsTheName() throws {
        let result = try fixture.vector(replace("host", "$1", "instance", "(.*):.*"), at: 0)
        #expect(
            result == [
                "{__name__=\"up\", host=\"host1\", instance=\"host1:9090\", job=\"api-server\"}": 1,
                "{__name__=\"up\", host=\"host2\", instance=\"host2:9100\", job=\"db\"}": 0,
            ])
    }

    @Test func nonMatchingElementsPassThroughAndEmptyResultsDelete() throws {
        let result = try fixture.vector(replace("job", "", "job", "db"), at: 0)
        #expect(
            result == [
                "{__name__=\"up\", instance=\"host1:9090\", job=\"api-server\"}": 1,
                "{__name__=\"up\", instance=\"host2:9100\"}": 0,
            ])
    }

    @Test func goExpansionRules() throws {
        let regex = try GoRegex("(?P<name>[a-z]+)([0-9]):(.*)", semantics: .prometheus2)
        let captures = try #require(regex.regex.captures("host1:9090"))
        #expect(regex.expand("$1", captures: captures) == "host")
        #expect(regex.expand("${1}x", captures: captures) == "hostx")
        // `$1x` names a group "1x", which does not exist.
        #expect(regex.expand("$1x", captures: captures) == "")
        #expect(regex.expand("$name-$2", captures: captures) == "host-1")
        #expect(regex.expand("${name}_$3", captures: captures) == "host_9090")
        #expect(regex.expand("$$1 costs $", captures: captures) == "$1 costs $")
        #expect(regex.expand("${1", captures: captures) == "${1")
        #expect(regex.expand("$0|$9", captures: captures) == "host1:9090|")
        #expect(regex.groupNames == ["name": 1])
    }

    @Test func groupNumberingSkipsNonCapturingGroupsAndClasses() throws {
        let regex = try GoRegex(#"(?:a)([(])\((?i:b)(c)[^)(]"#, semantics: .prometheus2)
        let captures = try #require(regex.regex.captures("a((bcd"))
        #expect(regex.expand("$1$2", captures: captures) == "(c")
    }

    @Test func errors() throws {
        #expect(
            fixture.error(replace("1a", "", "", ""), at: 0)
                == "invalid destination label name in label_replace(): 1a")
        #expect(
            fixture.error(replace("b", "", "", "("), at: 0) == "invalid regular expression in label_replace(): (")
        // Prometheus 3 accepts any UTF-8 label name.
        #expect(fixture.error(replace("1a", "", "", ""), at: 0, .prometheus3) == nil)
        // Two series ending up with the same labels.
        #expect(
            fixture.error(
                PQL.call("label_replace", PQL.sel("up"), PQL.str("instance"), PQL.str("x"), PQL.str(""), PQL.str("")),
                at: 0)
                == nil)
        let collide = PQL.call(
            "label_replace", PQL.call("abs", PQL.sel("up")), PQL.str("job"), PQL.str("x"), PQL.str(""), PQL.str(".*"))
        let collapse = PQL.call("label_replace", collide, PQL.str("instance"), PQL.str(""), PQL.str(""), PQL.str(".*"))
        #expect(fixture.error(collapse, at: 0) == "vector cannot contain metrics with the same labelset")
    }

    @Test func labelJoin() throws {
        let join = PQL.call(
            "label_join", PQL.sel("up", [("job", "db")]), PQL.str("id"), PQL.str("/"), PQL.str("job"),
            PQL.str("instance"),
            PQL.str("missing"))
        #expect(
            try fixture.vector(join, at: 0) == [
                "{__name__=\"up\", id=\"db/host2:9100/\", instance=\"host2:9100\", job=\"db\"}": 0
            ])
        // No source labels: the destination is removed.
        let clear = PQL.call("label_join", PQL.sel("up", [("job", "db")]), PQL.str("job"), PQL.str("-"))
        #expect(try fixture.vector(clear, at: 0) == ["{__name__=\"up\", instance=\"host2:9100\"}": 0])
        #expect(
            fixture.error(PQL.call("label_join", PQL.sel("up"), PQL.str("b"), PQL.str(""), PQL.str("a-b")), at: 0)
                == "invalid source label name in label_join(): a-b")
    }
}
