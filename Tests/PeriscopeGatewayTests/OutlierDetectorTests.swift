import NIOCore
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

@Suite struct OutlierDetectorTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func gatewayErrorsInARowEjectForTheBaseTimeThenLongerEachTime() {
        let detector = OutlierDetector(
            config: OutlierDetectionConfig(consecutiveGatewayErrors: 3, baseEjectionTime: .seconds(30)),
            endpointCount: 4
        )
        #expect(detector.record(.gatewayError, endpoint: 1, now: Self.t0) == nil)
        #expect(detector.record(.gatewayError, endpoint: 1, now: Self.t0) == nil)
        #expect(detector.record(.gatewayError, endpoint: 1, now: Self.t0) == .consecutiveGatewayErrors)
        #expect(detector.isEjected(1))
        #expect(detector.nextRelease == Self.t0 + .seconds(30))
        var released: [Int] = []
        detector.releaseExpired(now: Self.t0 + .seconds(29)) { released.append($0) }
        #expect(released.isEmpty)
        detector.releaseExpired(now: Self.t0 + .seconds(30)) { released.append($0) }
        #expect(released == [1] && !detector.isEjected(1))
        // The second ejection lasts twice as long.
        for _ in 0..<3 { _ = detector.record(.gatewayError, endpoint: 1, now: Self.t0 + .seconds(40)) }
        #expect(detector.nextRelease == Self.t0 + .seconds(100))
    }

    @Test func aSuccessResetsTheCountAndPlain5xxCountOnlyTowardsConsecutive5xx() {
        let detector = OutlierDetector(
            config: OutlierDetectionConfig(consecutive5xx: 3, consecutiveGatewayErrors: 2),
            endpointCount: 3
        )
        _ = detector.record(.gatewayError, endpoint: 0, now: Self.t0)
        _ = detector.record(.success, endpoint: 0, now: Self.t0)
        #expect(detector.record(.gatewayError, endpoint: 0, now: Self.t0) == nil)
        #expect(detector.record(.serverError, endpoint: 0, now: Self.t0) == nil)  // 5xx count 2, gateway reset
        #expect(detector.record(.serverError, endpoint: 0, now: Self.t0) == .consecutive5xx)
    }

    @Test(
        "never more than max_ejection_percent, never the last endpoint", arguments: [(1, 0), (2, 1), (4, 2), (10, 5)])
    func ejectionCap(endpoints: Int, cap: Int) {
        let detector = OutlierDetector(
            config: OutlierDetectionConfig(consecutiveGatewayErrors: 1, maxEjectionPercent: 50),
            endpointCount: endpoints
        )
        var ejected = 0
        for endpoint in 0..<endpoints where detector.record(.gatewayError, endpoint: endpoint, now: Self.t0) != nil {
            ejected += 1
        }
        #expect(ejected == cap)
        #expect(detector.maxEjected == cap)
    }

    @Test func ejectionTimeIsCapped() {
        let detector = OutlierDetector(
            config: OutlierDetectionConfig(baseEjectionTime: .seconds(30), maxEjectionTime: .seconds(100)),
            endpointCount: 2
        )
        #expect(detector.ejectionTime(forEjection: 3) == .seconds(90))
        #expect(detector.ejectionTime(forEjection: 4) == .seconds(100))
        #expect(detector.ejectionTime(forEjection: .max) == .seconds(100))
    }

    @Test func healthCheckStateNeedsThresholdsInARow() {
        var state = HealthCheckState()
        #expect(state.isHealthy)
        #expect(state.record(success: false, healthyThreshold: 2, unhealthyThreshold: 2) == nil)
        #expect(state.record(success: true, healthyThreshold: 2, unhealthyThreshold: 2) == nil)
        #expect(state.record(success: false, healthyThreshold: 2, unhealthyThreshold: 2) == nil)
        #expect(state.record(success: false, healthyThreshold: 2, unhealthyThreshold: 2) == false)
        #expect(!state.isHealthy)
        #expect(state.record(success: true, healthyThreshold: 2, unhealthyThreshold: 2) == nil)
        #expect(state.record(success: true, healthyThreshold: 2, unhealthyThreshold: 2) == true)
        #expect(state.isHealthy)
    }
}
