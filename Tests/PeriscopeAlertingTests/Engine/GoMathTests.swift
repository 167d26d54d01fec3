import Testing

@testable import PeriscopeAlerting

@Suite("Go float semantics")
struct GoMathTests {
    @Test func pow() {
        #expect(GoMath.pow(1.1, 3) == 1.3310000000000004)
        #expect(GoMath.pow(2, 0.5) == 2.0.squareRoot())
        #expect(GoMath.pow(2, -1) == 0.5)
        #expect(GoMath.pow(-2, 3) == -8)
        #expect(GoMath.pow(-2, 0.5).isNaN)
        #expect(GoMath.pow(0, 0) == 1)
        #expect(GoMath.pow(.nan, 0) == 1)
        #expect(GoMath.pow(1, .nan) == 1)
        #expect(GoMath.pow(-0.0, -3) == -.infinity)
        #expect(GoMath.pow(-1, .infinity) == 1)
        #expect(GoMath.pow(0.5, .infinity) == 0)
        #expect(GoMath.pow(-.infinity, 3) == -.infinity)
        #expect(GoMath.pow(10, 400) == .infinity)
        #expect(GoMath.pow(10, -400) == 0)
    }

    @Test func logarithms() {
        #expect(GoMath.log2(8) == 3)
        #expect(GoMath.log2(0.25) == -2)
        #expect(GoMath.log2(0) == -.infinity)
        #expect(GoMath.log2(-1).isNaN)
        // Values from promtool 2.42.
        #expect(GoMath.log10(1000) == 3)
        #expect(GoMath.log10(0.001) == -3)
        #expect(GoMath.log10(2) == 0.3010299956639812)
        #expect(GoMath.log10(1e-300) == -300)
        #expect(GoMath.log2(1000) == 9.965784284662087)
        #expect(GoMath.log2(1e-300) == -996.5784284662087)
    }

    @Test func maxAndMin() {
        #expect(GoMath.max(.nan, 1).isNaN)
        #expect(GoMath.max(.nan, .infinity) == .infinity)
        #expect(GoMath.max(-0.0, 0).sign == .plus)
        #expect(GoMath.min(-0.0, 0).sign == .minus)
        #expect(GoMath.min(.nan, -.infinity) == -.infinity)
    }

    @Test func parseFloatAcceptsWhatGoAccepts() {
        #expect(GoMath.parseFloat("1") == 1)
        #expect(GoMath.parseFloat("1.0") == 1)
        #expect(GoMath.parseFloat("1e3") == 1000)
        #expect(GoMath.parseFloat(".5") == 0.5)
        #expect(GoMath.parseFloat("+Inf") == .infinity)
        #expect(GoMath.parseFloat("-inf") == -.infinity)
        #expect(GoMath.parseFloat("Infinity") == .infinity)
        #expect(GoMath.parseFloat("NaN")?.isNaN == true)
        #expect(GoMath.parseFloat("0x1p-2") == 0.25)
        #expect(GoMath.parseFloat("0x1") == nil)
        #expect(GoMath.parseFloat("1e400") == nil)
        #expect(GoMath.parseFloat("") == nil)
        #expect(GoMath.parseFloat("junk") == nil)
        #expect(GoMath.parseFloat("1_000") == nil)
        #expect(GoMath.parseFloat(" 1") == nil)
    }

    @Test func durationSeconds() {
        #expect(GoMath.seconds(milliseconds: 300_000) == 300)
        #expect(GoMath.seconds(milliseconds: 1_500) == 1.5)
    }

    @Test func kahan() {
        var sum = 0.0
        var compensation = 0.0
        for value in [1e16, 1, 1] {
            (sum, compensation) = kahanSumInc(value, sum, compensation, resetOnInfinity: false)
        }
        #expect(sum + compensation == 10_000_000_000_000_002)
        let infinite = kahanSumInc(.infinity, 1, 0, resetOnInfinity: true)
        #expect(infinite.sum == .infinity && infinite.compensation == 0)
        #expect(kahanSumInc(.infinity, 1, 0, resetOnInfinity: false).compensation.isNaN)
    }
}
