import NIOCore
import Testing

@testable import PeriscopeOTLP

/// How the span exporter paces its timed drains: by the rate at which the fastest ring fills.
@Suite struct OTLPSpanExporterPacingTests {
    private typealias Exporter = OTLPSpanExporter

    @Test func theNextDrainIsDueWhenTheFastestRingWouldBeHalfFull() {
        // A ring that took in a quarter of its capacity in 10 ms reaches half in 20 ms.
        #expect(Exporter.nextDrainInterval(elapsed: .milliseconds(10), largestIntake: 0.25) == .milliseconds(20))
        // 16 % in 10 ms (≈ 65 k spans/s into 4,096 slots): ≈ 31 ms.
        let interval = Exporter.nextDrainInterval(elapsed: .milliseconds(10), largestIntake: 0.16)
        #expect(interval > .milliseconds(31) && interval < .milliseconds(32))
    }

    @Test func intervalsStayWithinTheirBounds() {
        // Faster than the shortest interval allows (a ring overflowing, or a tiny ring): the minimum.
        #expect(Exporter.nextDrainInterval(elapsed: .milliseconds(10), largestIntake: 3) == .milliseconds(5))
        // A trickle: the maximum, so that no span waits long for the queue.
        #expect(Exporter.nextDrainInterval(elapsed: .milliseconds(100), largestIntake: 0.001) == .milliseconds(50))
        // Nothing came: the idle interval.
        #expect(Exporter.nextDrainInterval(elapsed: .milliseconds(50), largestIntake: 0) == .milliseconds(100))
        #expect(Exporter.minimumDrainInterval < Exporter.maximumDrainInterval)
        #expect(Exporter.maximumDrainInterval < Exporter.idleDrainInterval)
    }
}
