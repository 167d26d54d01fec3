import PeriscopeConfig

/// The active-check verdict on one endpoint: healthy until `unhealthy_threshold` failures in a row, then unhealthy
/// until `healthy_threshold` successes in a row. Endpoints start healthy.
struct HealthCheckState: Sendable, Equatable {
    private(set) var isHealthy = true
    private var successesInARow = 0
    private var failuresInARow = 0

    /// Records one probe; returns the new verdict when it changed.
    mutating func record(success: Bool, healthyThreshold: Int, unhealthyThreshold: Int) -> Bool? {
        if success {
            self.successesInARow += 1
            self.failuresInARow = 0
            if !self.isHealthy && self.successesInARow >= healthyThreshold {
                self.isHealthy = true
                return true
            }
        } else {
            self.failuresInARow += 1
            self.successesInARow = 0
            if self.isHealthy && self.failuresInARow >= unhealthyThreshold {
                self.isHealthy = false
                return false
            }
        }
        return nil
    }
}
