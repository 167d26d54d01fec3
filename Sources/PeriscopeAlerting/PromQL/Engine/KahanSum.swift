/// Neumaier's variant of Kahan summation, as Prometheus' `kahanSumInc`: adds `increment` to `sum` and returns the
/// new sum and the new compensation term.
///
/// Prometheus 3 resets the compensation when the sum becomes infinite (`resetOnInfinity`); 2.42 does not, which only
/// matters for callers that use the compensation of an infinite sum.
@inline(__always)
func kahanSumInc(_ increment: Double, _ sum: Double, _ compensation: Double, resetOnInfinity: Bool)
    -> (sum: Double, compensation: Double)
{
    let total = sum + increment
    var c = compensation
    if resetOnInfinity && total.isInfinite {
        c = 0
    } else if sum.magnitude >= increment.magnitude {
        c += (sum - total) + increment
    } else {
        c += (increment - total) + sum
    }
    return (total, c)
}
