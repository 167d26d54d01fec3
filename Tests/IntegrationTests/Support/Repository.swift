import Foundation

/// The checkout the tests run from (for files they read: alerts/, dashboards/, deploy/, Config/, Scripts/).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // IntegrationTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}
