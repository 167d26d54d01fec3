@testable import PeriscopeAlerting

/// Renders `text` as an alert template named "t".
func render(
    _ text: String,
    labels: [String: String] = [:],
    externalLabels: [String: String] = [:],
    externalURL: String = "",
    value: Double = 0,
    query: (@Sendable (String) throws -> [TemplateSample])? = nil
) throws -> String {
    let data = TemplateData(
        labels: labels,
        externalLabels: externalLabels,
        externalURL: externalURL,
        value: value,
        query: query
    )
    return try AlertTemplate(text, name: "t").render(data)
}

/// The error rendering `text` throws, or nil.
func renderError(_ text: String, value: Double = 0, labels: [String: String] = [:]) -> TemplateError? {
    do {
        _ = try render(text, labels: labels, value: value)
        return nil
    } catch let error as TemplateError {
        return error
    } catch {
        return nil
    }
}

/// A query function answering from a fixed table.
func fixedQueries(_ results: [String: [TemplateSample]]) -> @Sendable (String) throws -> [TemplateSample] {
    { expression in
        guard let samples = results[expression] else { throw QueryFailure(expression: expression) }
        return samples
    }
}

struct QueryFailure: Error, CustomStringConvertible {
    var expression: String
    var description: String { "unknown query \(expression)" }
}
