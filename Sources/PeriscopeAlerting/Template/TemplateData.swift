/// What an alert template is rendered with: the fields Prometheus' `AlertTemplateData` offers
/// (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`, also bound to `$labels`,
/// `$externalLabels`, `$externalURL` and `$value`) plus the query function behind `query`.
public struct TemplateData: Sendable {
    /// The alert sample's labels, `__name__` included, before the rule's labels are applied.
    public var labels: [String: String]
    /// The configured external labels.
    public var externalLabels: [String: String]
    /// The external URL, as `$externalURL`, `externalURL` and (its path) `pathPrefix` give it.
    public var externalURL: String
    /// The alert sample's value (`$value`).
    public var value: Double
    /// Runs a PromQL instant query for the template functions `query` and friends, at the
    /// evaluation time. A scalar result should be returned as one sample with no labels. Nil makes
    /// `query` fail with an execution error.
    public var query: (@Sendable (String) throws -> [TemplateSample])?

    /// Template data; everything defaults to empty or zero.
    public init(
        labels: [String: String] = [:],
        externalLabels: [String: String] = [:],
        externalURL: String = "",
        value: Double = 0,
        query: (@Sendable (String) throws -> [TemplateSample])? = nil
    ) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
        self.query = query
    }
}

/// One element of a `query` result, as templates see it (`.Labels`, `.Value`).
public struct TemplateSample: Sendable, Equatable {
    /// The series labels, `__name__` included.
    public var labels: [String: String]
    /// The sample value (`.Value`, `value`).
    public var value: Double

    /// A sample with the given labels and value.
    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}
