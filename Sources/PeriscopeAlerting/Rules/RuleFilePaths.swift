#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves rule file names as Prometheus does: relative to a directory, with shell globs (`alerts/*.yml`).
public enum RuleFilePaths {
    /// The files each pattern names, in order; a pattern without glob characters must name an existing file,
    /// a glob may match nothing.
    public static func resolve(_ patterns: [String], relativeTo directory: String) throws -> [String] {
        var paths: [String] = []
        for pattern in patterns {
            let full = pattern.hasPrefix("/") || directory.isEmpty ? pattern : directory + "/" + pattern
            if !pattern.contains(where: { "*?[".contains($0) }) {
                paths.append(full)
                continue
            }
            var matches = glob_t()
            defer { globfree(&matches) }
            let status = glob(full, 0, nil, &matches)
            guard status == 0 || status == GLOB_NOMATCH else {
                throw RuleFilePathError(description: "cannot expand \(pattern)")
            }
            for index in 0..<Int(matches.gl_pathc) {
                if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
            }
        }
        return paths
    }
}

/// A rule file pattern could not be expanded.
public struct RuleFilePathError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
