/// A 64-bit hash of bytes for load balancing: FNV-1a over the bytes, then a mixing finalizer.
///
/// FNV-1a is cheap on the short keys balancers hash (a path, a header value, an endpoint name) but its high bits
/// mix poorly; the finalizer (MurmurHash3's 64-bit `fmix`) spreads every input bit over the whole word, which ring
/// positions and table slots need. Not a cryptographic hash: a client that picks its own keys can aim them at one
/// endpoint, as with any consistent hashing.
public struct Hash64 {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    private var state: UInt64

    /// Starts a hash; different seeds give independent hash functions.
    public init(seed: UInt64 = 0) {
        self.state = Self.offsetBasis ^ Self.mix(seed)
    }

    /// Adds one byte.
    @inline(__always)
    public mutating func add(_ byte: UInt8) {
        self.state = (self.state ^ UInt64(byte)) &* Self.prime
    }

    /// Adds the bytes of a buffer.
    @inline(__always)
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        var state = self.state
        for byte in bytes {
            state = (state ^ UInt64(byte)) &* Self.prime
        }
        self.state = state
    }

    /// Adds the UTF-8 bytes of `text`, read in place.
    @inline(__always)
    public mutating func add(_ text: String.UTF8View) {
        let done: Void? = text.withContiguousStorageIfAvailable { self.add($0) }
        if done == nil {
            for byte in text { self.add(byte) }
        }
    }

    /// The hash of everything added.
    public func finish() -> UInt64 {
        Self.mix(self.state)
    }

    /// MurmurHash3's 64-bit finalizer: a bijection in which every input bit affects every output bit.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// The hash of `text`'s UTF-8 bytes.
    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hasher = Hash64(seed: seed)
        hasher.add(text.utf8)
        return hasher.finish()
    }
}
