/// Fast random trace and span ids for one event loop: xoshiro256** seeded once from the system generator.
///
/// Keep exactly one generator per event loop (for example a stored `var` of a loop-owned object) and call it
/// only from that loop: there is no lock and no atomic, a call is a handful of arithmetic instructions, and
/// nothing is allocated. The type is noncopyable so that a copy can never replay the same sequence; it may be
/// moved to the loop that will own it (it is `Sendable` because it is unique).
///
/// Ids are fully random (all 128 bits of a trace id), so a trace started from ``nextTraceID()`` may carry the W3C
/// random-trace-id flag (``TraceFlags/random``). The generator is not cryptographically secure: ids are not secrets.
public struct IDGenerator: ~Copyable, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Seeds the generator from `SystemRandomNumberGenerator` (one system call's worth of entropy, once).
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(state: (system.next(), system.next(), system.next(), system.next()))
    }

    /// A reproducible generator, for tests and benchmarks: the state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var mixer = seed
        self.init(state: (Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer)))
    }

    private init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (self.s0, self.s1, self.s2, self.s3) = state
        // xoshiro's only forbidden state; astronomically unlikely, but cheap to exclude.
        if (self.s0 | self.s1 | self.s2 | self.s3) == 0 {
            self.s0 = 0x9E37_79B9_7F4A_7C15
        }
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(self.s1 &* 5, 7) &* 9
        let shifted = self.s1 &<< 17
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= shifted
        self.s3 = Self.rotateLeft(self.s3, 45)
        return result
    }

    /// A random, valid (non-zero) trace id.
    public mutating func nextTraceID() -> TraceID {
        while true {
            let id = TraceID(high: self.next(), low: self.next())
            if id.isValid { return id }
        }
    }

    /// A random, valid (non-zero) span id.
    public mutating func nextSpanID() -> SpanID {
        while true {
            let id = SpanID(self.next())
            if id.isValid { return id }
        }
    }

    @inline(__always)
    private static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value &<< count) | (value &>> (64 &- count))
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed &>> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed &>> 31)
    }
}
