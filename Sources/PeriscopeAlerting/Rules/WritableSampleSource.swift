/// A sample source that rule outputs are written back into, so later rules of a group (and later evaluations)
/// see them — the gateway's ``SampleStore`` and the unit-test runner's ``MemorySampleSource``.
public protocol WritableSampleSource: SampleSource {
    /// Appends one sample; `v` may be ``StaleNaN/value`` to end a series.
    func append(labels: Labels, t: Timestamp, v: Double)
}

extension MemorySampleSource: WritableSampleSource {}
