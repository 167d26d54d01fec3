import PeriscopeConfig
import Testing

/// Helpers shared by the loader tests.
enum Fixture {
    /// A valid cluster section naming cluster `users`.
    static let usersCluster = """
        clusters:
          - name: users
            endpoints:
              - 127.0.0.1:9001

        """

    /// A valid listener section routing everything to cluster `users`.
    static let publicListener = """
        listeners:
          - name: public
            routes:
              - name: all
                match:
                  prefix: /
                cluster: users

        """

    /// Parses `yaml` and returns the errors, or an empty list when it loads.
    static func errors(_ yaml: String, file: String = "test.yaml") -> [ConfigError] {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, file: file)
            return []
        } catch {
            return error.errors
        }
    }

    /// The 1-based line of the `occurrence`-th line of `yaml` that contains `marker`.
    static func line(of marker: String, occurrence: Int = 1, in yaml: String) -> Int? {
        var seen = 0
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains(marker) {
            seen += 1
            if seen == occurrence {
                return index + 1
            }
        }
        return nil
    }
}
