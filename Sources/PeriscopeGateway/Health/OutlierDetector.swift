import NIOCore
import PeriscopeConfig

/// Passive outlier detection for one cluster on one event loop: counts each endpoint's failures in a row and ejects
/// an endpoint that reaches a threshold, for `base_ejection_time × n` on its n-th ejection (capped at
/// `max_ejection_time`), as long as the ejected share stays within `max_ejection_percent` and one endpoint stays
/// in rotation.
///
/// Each loop judges the traffic it proxies itself (no cross-thread state); with several loops an endpoint that fails
/// is ejected by each loop that sees it fail. Plain mutable state, used on its loop only.
final class OutlierDetector {
    /// Why an endpoint was ejected (the `reason` label).
    enum Reason: String, CaseIterable, Sendable {
        case consecutive5xx = "consecutive_5xx"
        case consecutiveGatewayErrors = "consecutive_gateway_errors"
    }

    /// How an upstream exchange ended, for the detector.
    enum Outcome: Sendable {
        /// A response below 500.
        case success
        /// A 5xx from the upstream (not 502/503/504).
        case serverError
        /// A 502/503/504 from the upstream, or the gateway's own failure to get a response (connect failure, reset,
        /// timeout): counts as both a 5xx and a gateway error.
        case gatewayError

        /// The outcome of an upstream response with `status`.
        init(status: Int) {
            switch status {
            case 502, 503, 504: self = .gatewayError
            case 500...599: self = .serverError
            default: self = .success
            }
        }
    }

    private struct EndpointState {
        var consecutive5xx = 0
        var consecutiveGatewayErrors = 0
        var ejections = 0
        var ejectedUntil: NIODeadline?
    }

    let config: OutlierDetectionConfig
    private var endpoints: [EndpointState]
    private(set) var ejectedCount = 0

    init(config: OutlierDetectionConfig, endpointCount: Int) {
        self.config = config
        self.endpoints = Array(repeating: EndpointState(), count: endpointCount)
    }

    /// The most endpoints ejected at once: `max_ejection_percent` of the cluster (at least one), never all.
    var maxEjected: Int {
        let count = self.endpoints.count
        guard count > 1 else { return 0 }
        return min(count - 1, max(1, count * self.config.maxEjectionPercent / 100))
    }

    func isEjected(_ endpoint: Int) -> Bool {
        self.endpoints[endpoint].ejectedUntil != nil
    }

    /// Records an exchange's outcome for `endpoint` (cluster-local index); returns the reason when it ejects the
    /// endpoint now (until `now + ejection time`).
    func record(_ outcome: Outcome, endpoint: Int, now: NIODeadline) -> Reason? {
        // The common case, without a write: a success on an endpoint with no failures counted.
        if case .success = outcome, self.endpoints[endpoint].consecutive5xx == 0,
            self.endpoints[endpoint].consecutiveGatewayErrors == 0
        {
            return nil
        }
        var state = self.endpoints[endpoint]
        defer { self.endpoints[endpoint] = state }
        switch outcome {
        case .success:
            state.consecutive5xx = 0
            state.consecutiveGatewayErrors = 0
            return nil
        case .serverError:
            state.consecutive5xx += 1
            state.consecutiveGatewayErrors = 0
        case .gatewayError:
            state.consecutive5xx += 1
            state.consecutiveGatewayErrors += 1
        }
        guard state.ejectedUntil == nil else { return nil }
        let reason: Reason
        if self.config.consecutiveGatewayErrors > 0
            && state.consecutiveGatewayErrors >= self.config.consecutiveGatewayErrors
        {
            reason = .consecutiveGatewayErrors
        } else if self.config.consecutive5xx > 0 && state.consecutive5xx >= self.config.consecutive5xx {
            reason = .consecutive5xx
        } else {
            return nil
        }
        guard self.ejectedCount < self.maxEjected else { return nil }
        state.ejections += 1
        state.ejectedUntil = now + self.ejectionTime(forEjection: state.ejections)
        state.consecutive5xx = 0
        state.consecutiveGatewayErrors = 0
        self.ejectedCount += 1
        return reason
    }

    /// The n-th ejection's length.
    func ejectionTime(forEjection n: Int) -> TimeAmount {
        let base = TimeAmount(self.config.baseEjectionTime).nanoseconds
        let cap = TimeAmount(self.config.maxEjectionTime).nanoseconds
        let (product, overflow) = base.multipliedReportingOverflow(by: Int64(n))
        return .nanoseconds(overflow ? cap : min(product, cap))
    }

    /// Returns the endpoints whose ejection ended by `now` to rotation; calls `released` with each.
    func releaseExpired(now: NIODeadline, _ released: (Int) -> Void) {
        guard self.ejectedCount > 0 else { return }
        for index in self.endpoints.indices {
            if let until = self.endpoints[index].ejectedUntil, until <= now {
                self.endpoints[index].ejectedUntil = nil
                self.ejectedCount -= 1
                released(index)
            }
        }
    }

    /// The soonest end of an ejection, if any endpoint is ejected.
    var nextRelease: NIODeadline? {
        self.endpoints.compactMap(\.ejectedUntil).min()
    }
}

@available(*, unavailable)
extension OutlierDetector: Sendable {}
