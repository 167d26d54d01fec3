/// The strings that span records refer to by ``SpanStringID``: route templates, cluster and endpoint names,
/// listener names, error types.
///
/// ## Lifecycle
/// 1. At config load (and at each reload) intern every name a span may carry with ``intern(_:)`` and keep the ids
///    in the compiled runtime tables, next to the metric handles of the same route or cluster.
/// 2. On the request path, copy the ids into the ``SpanRecord`` — a 4-byte store, no lookup.
/// 3. At export, take a ``snapshot()`` **after** draining the ``SpanBuffer`` and resolve ids through it.
///
/// Ids are dense, start at 1 (0 is ``SpanStringID/none``, the empty string), are never reused and stay valid for
/// the life of the table, so a record pushed before a config reload still resolves after it. The same string
/// always gets the same id. Strings are never removed; the table is meant for configured names, not for values
/// seen on requests (an unbounded set of those would grow it without bound).
///
/// Interning and ``string(for:)`` take a lock; ``snapshot()`` takes it once and the snapshot is then read without
/// one. A snapshot taken after a drain resolves every id in the drained records, because the `intern` that made
/// an id happened before the record holding it was built, pushed and drained.
public final class SpanStringTable: Sendable {
    private struct State {
        var strings: [String] = [""]
        var ids: [String: SpanStringID] = ["": .none]
    }

    private let state = LockedBox(State())

    /// An empty table (only ``SpanStringID/none``, the empty string).
    public init() {}

    /// The id of `string`, adding it if it is new. The empty string is ``SpanStringID/none``.
    ///
    /// Takes a lock and may allocate: call at config load, not per request.
    public func intern(_ string: String) -> SpanStringID {
        self.state.withLockedValue { state in
            if let id = state.ids[string] { return id }
            precondition(state.strings.count <= Int(UInt32.max), "span string table is full")
            let id = SpanStringID(rawValue: UInt32(state.strings.count))
            state.strings.append(string)
            state.ids[string] = id
            return id
        }
    }

    /// The string with `id`, or `nil` if this table never handed it out.
    public func string(for id: SpanStringID) -> String? {
        self.state.withLockedValue { state in
            Int(id.rawValue) < state.strings.count ? state.strings[Int(id.rawValue)] : nil
        }
    }

    /// The number of ids in use, counting ``SpanStringID/none``.
    public var count: Int {
        self.state.withLockedValue { $0.strings.count }
    }

    /// An immutable view of every string interned so far, read without a lock (the array is shared, not copied,
    /// until the next `intern`).
    public func snapshot() -> Snapshot {
        Snapshot(strings: self.state.withLockedValue { $0.strings })
    }

    /// The table's strings at one moment; resolve the ids of a batch of drained records through one snapshot.
    public struct Snapshot: Sendable {
        private let strings: [String]

        init(strings: [String]) {
            self.strings = strings
        }

        /// The number of ids the snapshot resolves, counting ``SpanStringID/none``.
        public var count: Int { self.strings.count }

        /// The string with `id` — the empty string for ``SpanStringID/none`` — or `nil` if the id was handed out
        /// after the snapshot was taken (or never).
        public subscript(id: SpanStringID) -> String? {
            Int(id.rawValue) < self.strings.count ? self.strings[Int(id.rawValue)] : nil
        }
    }
}
