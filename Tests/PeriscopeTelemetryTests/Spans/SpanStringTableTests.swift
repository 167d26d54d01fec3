import Dispatch
import PeriscopeTelemetry
import Testing

@Suite struct SpanStringTableTests {
    @Test func internHandsOutDenseStableIDs() {
        let table = SpanStringTable()
        #expect(table.count == 1)
        let route = table.intern("/users/{id}")
        let cluster = table.intern("users")
        #expect(route.rawValue == 1 && cluster.rawValue == 2)
        #expect(table.intern("/users/{id}") == route)
        #expect(table.intern("users") == cluster)
        #expect(table.count == 3)
        #expect(table.string(for: route) == "/users/{id}")
        #expect(table.string(for: cluster) == "users")
    }

    @Test func emptyStringIsNone() {
        let table = SpanStringTable()
        #expect(table.intern("") == .none)
        #expect(table.string(for: .none) == "")
        #expect(table.snapshot()[.none] == "")
    }

    @Test func unknownIDsDoNotResolve() {
        let table = SpanStringTable()
        _ = table.intern("a")
        #expect(table.string(for: SpanStringID(rawValue: 2)) == nil)
        #expect(table.snapshot()[SpanStringID(rawValue: 99)] == nil)
    }

    @Test func snapshotIsImmutable() {
        let table = SpanStringTable()
        let first = table.intern("first")
        let snapshot = table.snapshot()
        let second = table.intern("second")
        #expect(snapshot[first] == "first")
        #expect(snapshot[second] == nil)
        #expect(snapshot.count == 2)
        #expect(table.snapshot()[second] == "second")
    }

    @Test func concurrentInterningAgreesOnIDs() {
        let table = SpanStringTable()
        let names = (0..<500).map { "endpoint-\($0)" }
        let threads = 4
        let results = (0..<threads).map { _ in LockedResults() }
        let group = DispatchGroup()
        for thread in 0..<threads {
            DispatchQueue(label: "intern-\(thread)").async(group: group) {
                // Each thread walks the names in a different order.
                let order = thread % 2 == 0 ? Array(names) : names.reversed()
                for name in order { results[thread].set(name, table.intern(name)) }
            }
        }
        group.wait()
        let reference = results[0].values
        #expect(Set(reference.values).count == names.count)
        #expect(Set(reference.values.map(\.rawValue)) == Set(1...UInt32(names.count)))
        for result in results {
            #expect(result.values == reference)
        }
        let snapshot = table.snapshot()
        for (name, id) in reference {
            #expect(snapshot[id] == name)
        }
    }
}

/// A dictionary guarded by a dispatch queue, for collecting results from threads.
private final class LockedResults: @unchecked Sendable {
    // @unchecked Sendable: `storage` is only touched on `queue`, which is serial.
    private let queue = DispatchQueue(label: "results")
    private var storage: [String: SpanStringID] = [:]

    func set(_ name: String, _ id: SpanStringID) {
        self.queue.sync { self.storage[name] = id }
    }

    var values: [String: SpanStringID] {
        self.queue.sync { self.storage }
    }
}
