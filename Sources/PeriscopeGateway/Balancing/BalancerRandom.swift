/// The random numbers of one balancer: xorshift64* (Vigna), a few shifts and a multiply per number.
///
/// Each balancer owns one, seeded once (per event loop) from the system generator, so a pick never takes the
/// system generator's cost and balancers on different loops draw different sequences. Good enough to spread load;
/// not for anything secret.
public struct BalancerRandom {
    private var state: UInt64

    /// Seeds the generator; any seed is fine (it is scrambled first, and zero, the one bad state, is avoided).
    public init(seed: UInt64) {
        let scrambled = Hash64.mix(seed &+ 0x9e37_79b9_7f4a_7c15)
        self.state = scrambled == 0 ? 0x9e37_79b9_7f4a_7c15 : scrambled
    }

    /// A seed from the system generator, mixed with `stream` (e.g. the loop index) so that loops differ even if the
    /// system generator were poor.
    public static func systemSeed(stream: Int) -> UInt64 {
        var system = SystemRandomNumberGenerator()
        return system.next() ^ Hash64.mix(UInt64(truncatingIfNeeded: stream))
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return self.state &* 0x2545_f491_4f6c_dd1d
    }

    /// A number in `0 ..< bound` (`bound` > 0), by multiply-and-shift (Lemire); the bias is at most bound / 2⁶⁴.
    @inline(__always)
    public mutating func next(below bound: UInt64) -> UInt64 {
        self.next().multipliedFullWidth(by: bound).high
    }
}
