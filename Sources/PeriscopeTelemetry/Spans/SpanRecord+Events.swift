extension SpanRecord {
    /// What happened at a span event; exported as the OTLP event `name` (``name``).
    ///
    /// Each kind gives its own meaning to ``Event/payload``, listed per case.
    public enum EventKind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// Another attempt is being made. Payload: the number of the attempt being started (2 for the first retry).
        case retry = 1
        /// A timeout fired. Payload: the timeout that elapsed, in milliseconds.
        case timeout = 2
        /// A policy rejected the request (rate limit, body limit, access rule). Payload: the raw value of the
        /// ``SpanStringID`` naming the policy, or 0.
        case rejected = 3
        /// The upstream reset or closed the connection before the response was complete. Payload: response bytes
        /// received before the reset, saturated at `UInt32.max`.
        case upstreamReset = 4
        /// The cluster's circuit breaker was open, so no attempt was made. Payload: 0.
        case circuitOpen = 5
        /// Connecting to the upstream failed. Payload: the `errno` value, or 0.
        case connectFailure = 6
        /// The downstream client went away before the response was complete. Payload: response bytes sent.
        case downstreamReset = 7

        /// The OTLP event name.
        public var name: String {
            switch self {
            case .retry: "retry"
            case .timeout: "timeout"
            case .rejected: "rejected"
            case .upstreamReset: "upstream_reset"
            case .circuitOpen: "circuit_open"
            case .connectFailure: "connect_failure"
            case .downstreamReset: "downstream_reset"
            }
        }
    }

    /// One span event: a time, a kind and a kind-specific 32-bit payload. 16 bytes in an array of events.
    public struct Event: Sendable, BitwiseCopyable, Hashable {
        /// When it happened, Unix epoch nanoseconds.
        public var timeUnixNano: UInt64
        /// Kind-specific detail (see ``EventKind``).
        public var payload: UInt32
        /// What happened.
        public var kind: EventKind

        /// An event of `kind` at `timeUnixNano`.
        @inlinable
        public init(kind: EventKind, timeUnixNano: UInt64, payload: UInt32 = 0) {
            self.timeUnixNano = timeUnixNano
            self.payload = payload
            self.kind = kind
        }
    }

    /// The fixed-capacity event list of a record: up to ``capacity`` events in order of addition, plus a count of
    /// the events that did not fit (OTLP `dropped_events_count`).
    public struct Events: Sendable, BitwiseCopyable, RandomAccessCollection, Equatable {
        /// The most events a record stores.
        public static var capacity: Int { 4 }

        @usableFromInline internal var event0: Event
        @usableFromInline internal var event1: Event
        @usableFromInline internal var event2: Event
        @usableFromInline internal var event3: Event
        @usableFromInline internal var storedCount: UInt8
        @usableFromInline internal var droppedEvents: UInt8

        /// Events added after the list was full (saturates at 255): OTLP `dropped_events_count`.
        @inlinable public var droppedCount: Int { Int(self.droppedEvents) }

        /// No events.
        @inlinable
        public init() {
            let empty = Event(kind: .retry, timeUnixNano: 0)
            self.event0 = empty
            self.event1 = empty
            self.event2 = empty
            self.event3 = empty
            self.storedCount = 0
            self.droppedEvents = 0
        }

        /// Forgets every event and the dropped count (the unused slots are not rewritten: nothing reads them).
        @inlinable
        public mutating func removeAll() {
            self.storedCount = 0
            self.droppedEvents = 0
        }

        /// Always 0.
        @inlinable public var startIndex: Int { 0 }
        /// The number of stored events.
        @inlinable public var endIndex: Int { Int(self.storedCount) }

        /// The event at `position` (0 ..< `count`).
        @inlinable
        public subscript(position: Int) -> Event {
            precondition(position >= 0 && position < Int(self.storedCount), "event index out of range")
            switch position {
            case 0: return self.event0
            case 1: return self.event1
            case 2: return self.event2
            default: return self.event3
            }
        }

        /// Stores `event` if there is room; otherwise counts it in ``droppedCount``.
        ///
        /// - Returns: Whether the event was stored.
        @inlinable
        @discardableResult
        public mutating func append(_ event: Event) -> Bool {
            switch self.storedCount {
            case 0: self.event0 = event
            case 1: self.event1 = event
            case 2: self.event2 = event
            case 3: self.event3 = event
            default:
                if self.droppedEvents < UInt8.max { self.droppedEvents += 1 }
                return false
            }
            self.storedCount += 1
            return true
        }

        /// Equal when the stored events and the dropped counts are equal (unused slots are ignored).
        public static func == (lhs: Events, rhs: Events) -> Bool {
            lhs.droppedCount == rhs.droppedCount && lhs.elementsEqual(rhs)
        }
    }
}
