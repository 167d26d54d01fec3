/// Fixed-size storage for the mutable state of a balancer (or of the loop's availability view), reached through a
/// `let` property of its owner.
///
/// A `var` stored property of a class costs a call into the Swift runtime on every access (dynamic exclusivity
/// enforcement, `swift_beginAccess`/`swift_endAccess`), and a write into an array property adds a uniqueness check;
/// measured on the pick path, that was most of a pick's time. Elements here are reached through an unsafe pointer,
/// which Swift does not track. That is sound because the owner is confined to one event loop (it is never used
/// concurrently and is not `Sendable`), no access to an element is held across a call that could reach the same
/// element, and every index is checked against the count.
struct LoopOwnedBuffer<Element>: ~Copyable {
    private let base: UnsafeMutablePointer<Element>
    /// The number of elements.
    let count: Int

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        precondition(count >= 0)
        self.base = .allocate(capacity: max(1, count))
        self.base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// The elements of `elements`.
    init(_ elements: [Element]) {
        self.base = .allocate(capacity: max(1, elements.count))
        _ = UnsafeMutableBufferPointer(start: self.base, count: elements.count).initialize(from: elements)
        self.count = elements.count
    }

    deinit {
        self.base.deinitialize(count: self.count)
        self.base.deallocate()
    }

    /// Element `index`, in `0 ..< count`.
    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < self.count, "index out of range")
            return UnsafePointer(self.base + index)
        }
        nonmutating unsafeMutableAddress {
            precondition(index >= 0 && index < self.count, "index out of range")
            return self.base + index
        }
    }
}

/// One value of a balancer's mutable state (a random generator, a generation number), reached through a `let`
/// property of its owner without dynamic exclusivity checks; see ``LoopOwnedBuffer`` for why that is sound.
struct LoopOwnedCell<Value>: ~Copyable {
    private let pointer: UnsafeMutablePointer<Value>

    init(_ value: Value) {
        self.pointer = .allocate(capacity: 1)
        self.pointer.initialize(to: value)
    }

    deinit {
        self.pointer.deinitialize(count: 1)
        self.pointer.deallocate()
    }

    /// The value.
    @inline(__always)
    var value: Value {
        unsafeAddress { UnsafePointer(self.pointer) }
        nonmutating unsafeMutableAddress { self.pointer }
    }
}
