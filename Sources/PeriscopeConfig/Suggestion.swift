/// "Did you mean …?" help for misspelt keys and names.
enum Suggestion {
    /// The candidate closest to `word`, if one is close enough to be a likely typo.
    ///
    /// Case, `_` and `-` are ignored first (so `maxBodyBytes` finds `max_body_bytes`); otherwise the
    /// candidate must be within an edit distance (insert, delete, substitute, swap two neighbours) of
    /// about a third of its length.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let normalizedWord = Self.normalize(word)
        if let same = candidates.first(where: { Self.normalize($0) == normalizedWord }) {
            return same
        }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = Self.editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            let allowed = max(1, min(3, candidate.count / 3))
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `did you mean 'x'?` for the closest candidate, or `nil`.
    static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        Self.closest(to: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// A hint for a value outside a fixed set: the likely intended value (if any) and the full list.
    static func hint(for word: String, validValues: [String]) -> String {
        let list = "valid values: " + validValues.joined(separator: ", ")
        if let guess = Self.didYouMean(word, among: validValues) {
            return "\(guess) \(list)"
        }
        return list
    }

    private static func normalize(_ word: String) -> String {
        String(word.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Optimal string alignment distance: Levenshtein plus transposition of adjacent characters.
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        let width = rhs.count + 1
        var table = [Int](repeating: 0, count: (lhs.count + 1) * width)
        for column in 0...rhs.count { table[column] = column }
        for row in 0...lhs.count { table[row * width] = row }
        for row in 1...lhs.count {
            for column in 1...rhs.count {
                let cost = lhs[row - 1] == rhs[column - 1] ? 0 : 1
                var value = min(
                    table[(row - 1) * width + column] + 1,
                    table[row * width + column - 1] + 1,
                    table[(row - 1) * width + column - 1] + cost
                )
                if row > 1, column > 1, lhs[row - 1] == rhs[column - 2], lhs[row - 2] == rhs[column - 1] {
                    value = min(value, table[(row - 2) * width + column - 2] + 1)
                }
                table[row * width + column] = value
            }
        }
        return table[lhs.count * width + rhs.count]
    }
}
