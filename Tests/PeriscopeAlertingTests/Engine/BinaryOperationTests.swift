import Testing

@testable import PeriscopeAlerting

@Suite("Binary operators and vector matching")
struct BinaryOperationTests {
    let fixture = EngineFixture([
        "a{instance=\"i1\",job=\"j\",x=\"1\"}": "10",
        "a{instance=\"i2\",job=\"j\",x=\"2\"}": "20",
        "b{job=\"j\",team=\"t\"}": "15",
        "c{instance=\"i1\",job=\"j\",x=\"1\"}": "3",
        "c{instance=\"i2\",job=\"j\",x=\"2\"}": "4",
        "c{instance=\"i3\",job=\"j\",x=\"3\"}": "5",
    ])
    let a = PQL.sel("a")
    let b = PQL.sel("b")
    let c = PQL.sel("c")

    @Test func scalarArithmeticFollowsGo() throws {
        func scalar(_ op: BinaryOp, _ l: Double, _ r: Double) throws -> Double? {
            try fixture.scalar(PQL.bin(op, PQL.num(l), PQL.num(r)), at: 0)
        }
        #expect(try scalar(.add, 1, 2) == 3)
        #expect(try scalar(.sub, 1, 2) == -1)
        #expect(try scalar(.mul, 3, 4) == 12)
        #expect(try scalar(.div, 1, 0) == .infinity)
        #expect(try scalar(.div, 0, 0)?.isNaN == true)
        #expect(try scalar(.mod, 7, 3) == 1)
        #expect(try scalar(.mod, -7, 3) == -1)
        #expect(try scalar(.mod, 7.5, 2) == 1.5)
        #expect(try scalar(.mod, 1, 0)?.isNaN == true)
        #expect(try scalar(.pow, 2, 10) == 1024)
        #expect(try scalar(.pow, 2, -2) == 0.25)
        #expect(try scalar(.pow, -8, 1.0 / 3)?.isNaN == true)
        // Go multiplies the mantissa by repeated squaring: 1.1 × (1.1 × 1.1), not the correctly rounded 1.331.
        #expect(try scalar(.pow, 1.1, 3) == 1.3310000000000004)
        #expect(try scalar(.pow, 0, -1) == .infinity)
        #expect(try scalar(.atan2, 1, 1) == Double.pi / 4)
        // Comparisons between scalars give 1 or 0.
        #expect(try fixture.scalar(PQL.bin(.gtr, PQL.num(2), PQL.num(1), bool: true), at: 0) == 1)
        #expect(try fixture.scalar(PQL.bin(.eql, PQL.num(2), PQL.num(1), bool: true), at: 0) == 0)
    }

    @Test func vectorScalarArithmeticDropsTheName() throws {
        #expect(
            try fixture.vector(PQL.bin(.mul, a, PQL.num(2)), at: 0) == [
                "{instance=\"i1\", job=\"j\", x=\"1\"}": 20, "{instance=\"i2\", job=\"j\", x=\"2\"}": 40,
            ])
        #expect(
            try fixture.vector(PQL.bin(.sub, PQL.num(100), a), at: 0) == [
                "{instance=\"i1\", job=\"j\", x=\"1\"}": 90, "{instance=\"i2\", job=\"j\", x=\"2\"}": 80,
            ])
    }

    @Test func comparisonsFilterAndKeepTheVectorValueAndName() throws {
        // 15 < a keeps a's elements with a's values and name.
        #expect(
            try fixture.vector(PQL.bin(.lss, PQL.num(15), a), at: 0) == [
                "{__name__=\"a\", instance=\"i2\", job=\"j\", x=\"2\"}": 20
            ])
        #expect(
            try fixture.vector(PQL.bin(.gtr, a, PQL.num(15)), at: 0) == [
                "{__name__=\"a\", instance=\"i2\", job=\"j\", x=\"2\"}": 20
            ])
        // bool: 0/1 for every element, name dropped.
        #expect(
            try fixture.vector(PQL.bin(.gtr, a, PQL.num(15), bool: true), at: 0) == [
                "{instance=\"i1\", job=\"j\", x=\"1\"}": 0, "{instance=\"i2\", job=\"j\", x=\"2\"}": 1,
            ])
        // NaN compares unequal to everything.
        let nan = EngineFixture(["n": "NaN"])
        #expect(try nan.vector(PQL.bin(.neq, PQL.sel("n"), PQL.sel("n")), at: 0).count == 1)
        #expect(try nan.vector(PQL.bin(.eql, PQL.sel("n"), PQL.sel("n")), at: 0).isEmpty)
    }

    @Test func oneToOneMatching() throws {
        // Same labels apart from the name: a - c.
        #expect(
            try fixture.vector(PQL.bin(.sub, a, c), at: 0) == [
                "{instance=\"i1\", job=\"j\", x=\"1\"}": 7, "{instance=\"i2\", job=\"j\", x=\"2\"}": 16,
            ])
        // Comparison keeps the left name and value.
        #expect(
            try fixture.vector(PQL.bin(.gtr, c, a), at: 0).isEmpty)
        #expect(
            try fixture.vector(PQL.bin(.lss, c, a), at: 0) == [
                "{__name__=\"c\", instance=\"i1\", job=\"j\", x=\"1\"}": 3,
                "{__name__=\"c\", instance=\"i2\", job=\"j\", x=\"2\"}": 4,
            ])
        // on(): only the on labels survive, for comparisons too.
        let summed = PQL.agg(.sum, a)
        #expect(try fixture.vector(PQL.bin(.gtr, summed, b, PQL.on()), at: 0) == ["{}": 30])
        #expect(
            try fixture.vector(PQL.bin(.add, a, c, PQL.on("instance", "x")), at: 0)["{instance=\"i1\", x=\"1\"}"] == 13)
        // ignoring(): the left labels without the ignored ones.
        #expect(
            try fixture.vector(PQL.bin(.mul, a, c, PQL.ignoring("x")), at: 0) == [
                "{instance=\"i1\", job=\"j\"}": 30, "{instance=\"i2\", job=\"j\"}": 80,
            ])
    }

    @Test func manyToOneCopiesIncludedLabels() throws {
        // a > on(job) group_left(team) b: a's labels plus team from b.
        #expect(
            try fixture.vector(PQL.bin(.gtr, a, b, PQL.on("job", card: .manyToOne, include: ["team"])), at: 0) == [
                "{__name__=\"a\", instance=\"i2\", job=\"j\", team=\"t\", x=\"2\"}": 20
            ])
        #expect(
            try fixture.vector(PQL.bin(.div, a, b, PQL.on("job", card: .manyToOne, include: ["team"])), at: 0) == [
                "{instance=\"i1\", job=\"j\", team=\"t\", x=\"1\"}": 10.0 / 15,
                "{instance=\"i2\", job=\"j\", team=\"t\", x=\"2\"}": 20.0 / 15,
            ])
        // group_right mirrors it: b (one) on the left, a (many) on the right; arithmetic uses left op right.
        #expect(
            try fixture.vector(PQL.bin(.sub, b, a, PQL.on("job", card: .oneToMany)), at: 0) == [
                "{instance=\"i1\", job=\"j\", x=\"1\"}": 5, "{instance=\"i2\", job=\"j\", x=\"2\"}": -5,
            ])
        // A filtering comparison keeps the left (one-side) value with the many side's labels, as Prometheus does.
        #expect(
            try fixture.vector(PQL.bin(.lss, b, a, PQL.on("job", card: .oneToMany)), at: 0) == [
                "{__name__=\"a\", instance=\"i2\", job=\"j\", x=\"2\"}": 15
            ])
        // An included label missing on the one side is removed.
        #expect(
            try fixture.vector(PQL.bin(.mul, c, b, PQL.on("job", card: .manyToOne, include: ["x"])), at: 0).keys
                .sorted()
                == [
                    "{instance=\"i1\", job=\"j\"}", "{instance=\"i2\", job=\"j\"}", "{instance=\"i3\", job=\"j\"}",
                ])
    }

    @Test func matchingErrors() throws {
        // Two right elements with the same signature.
        #expect(
            fixture.error(PQL.bin(.add, b, a, PQL.on("job")), at: 0)
                == "found duplicate series for the match group {job=\"j\"} on the right hand-side of the operation: "
                + "[{__name__=\"a\", instance=\"i2\", job=\"j\", x=\"2\"}, "
                + "{__name__=\"a\", instance=\"i1\", job=\"j\", x=\"1\"}]"
                + ";many-to-many matching not allowed: matching labels must be unique on one side")
        // Two left elements matching one right element without group_left.
        #expect(
            fixture.error(PQL.bin(.add, a, b, PQL.on("job")), at: 0)
                == "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
        // group_right with duplicates on the left ("one") side.
        #expect(
            fixture.error(PQL.bin(.add, a, c, PQL.on("job", card: .oneToMany)), at: 0)?.hasPrefix(
                "found duplicate series for the match group {job=\"j\"} on the left hand-side") == true)
        // group_left whose results collide.
        #expect(
            fixture.error(PQL.bin(.add, c, b, PQL.on("job", card: .manyToOne, include: [])), at: 0) == nil)
        let duplicateResults = PQL.bin(
            .add, PQL.agg(.max, c, .by(["job", "instance"])),
            PQL.agg(.max, c, .by(["job"])),
            VectorMatching(cardinality: .manyToOne, matchingLabels: ["job"], on: true, include: ["instance"]))
        #expect(
            fixture.error(duplicateResults, at: 0)
                == "multiple matches for labels: grouping labels must ensure unique matches")
        // An empty side short-circuits before any duplicate check.
        #expect(try fixture.vector(PQL.bin(.add, PQL.sel("missing"), a, PQL.on("job")), at: 0) == [:])
    }

    @Test func setOperators() throws {
        let left = PQL.sel("c")
        let right = PQL.sel("a")
        #expect(try fixture.vector(PQL.bin(.and, left, right), at: 0).count == 2)
        #expect(
            try fixture.vector(PQL.bin(.unless, left, right), at: 0) == [
                "{__name__=\"c\", instance=\"i3\", job=\"j\", x=\"3\"}": 5
            ])
        #expect(try fixture.vector(PQL.bin(.or, right, left), at: 0).count == 3)
        #expect(try fixture.vector(PQL.bin(.or, PQL.sel("missing"), b), at: 0).count == 1)
        #expect(try fixture.vector(PQL.bin(.unless, left, PQL.sel("missing")), at: 0).count == 3)
        // on(job): everything in c matches b.
        #expect(
            try fixture.vector(
                PQL.bin(
                    .and, left, b,
                    VectorMatching(cardinality: .manyToMany, matchingLabels: ["job"], on: true, include: [])),
                at: 0
            ).count == 3)
        #expect(
            try fixture.vector(
                PQL.bin(
                    .or, b, left,
                    VectorMatching(cardinality: .manyToMany, matchingLabels: ["job"], on: true, include: [])),
                at: 0
            ) == ["{__name__=\"b\", job=\"j\", team=\"t\"}": 15])
        // `sum(x) or vector(0)`.
        #expect(
            try fixture.vector(PQL.bin(.or, PQL.agg(.sum, PQL.sel("missing")), PQL.call("vector", PQL.num(0))), at: 0)
                == [
                    "{}": 0
                ])
    }

    @Test func atan2KeepsTheNameIn2Only() throws {
        let expr = PQL.bin(.atan2, b, PQL.num(0))
        #expect(
            try fixture.vector(expr, at: 0, .prometheus2) == ["{__name__=\"b\", job=\"j\", team=\"t\"}": Double.pi / 2])
        #expect(try fixture.vector(expr, at: 0, .prometheus3) == ["{job=\"j\", team=\"t\"}": Double.pi / 2])
    }

    @Test func arithmeticOutputCollisionIsAnError() throws {
        // a and c differ only in the name: a + 1 or c + 1 collide after the name is dropped.
        let collision = PQL.bin(
            .add,
            .vectorSelector(
                VectorSelector(name: nil, matchers: [try LabelMatcher(.regex, Labels.metricName, "a|c")])),
            PQL.num(1))
        #expect(fixture.error(collision, at: 0) == "vector cannot contain metrics with the same labelset")
    }
}
