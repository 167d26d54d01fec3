import Testing

/// Every integration test runs the real `periscope` binary against in-process upstreams on loopback.
///
/// The suites nested here run one test at a time: the timing checks (drain, slowloris, idle timeouts) must not
/// compete for CPU with the 1 GiB transfers, and RSS is measured per process.
@Suite(.serialized, .timeLimit(.minutes(3)))
enum EndToEnd {}
