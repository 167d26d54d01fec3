/// Vector–vector operations: one-to-one and many-to-one/one-to-many matching, and the set operators.
enum VectorMatchingEvaluation {
    /// The match signature: the `on(...)` labels, or all labels but the `ignoring(...)` ones and `__name__`.
    static func signatureFunction(_ matching: VectorMatching) -> (Labels) -> Labels {
        let names = Set(matching.matchingLabels)
        if matching.on { return { $0.keeping(names) } }
        let removed = names.union([Labels.metricName])
        return { $0.removing(removed) }
    }

    /// `and`: the left elements whose signature occurs on the right.
    static func and(_ lhs: [VectorElement], _ rhs: [VectorElement], matching: VectorMatching) -> [VectorElement] {
        if lhs.isEmpty || rhs.isEmpty { return [] }
        let signature = signatureFunction(matching)
        let right = Set(rhs.map { signature($0.labels) })
        return lhs.filter { right.contains(signature($0.labels)) }
    }

    /// `or`: all left elements, then the right elements whose signature does not occur on the left.
    static func or(_ lhs: [VectorElement], _ rhs: [VectorElement], matching: VectorMatching) -> [VectorElement] {
        if lhs.isEmpty { return rhs }
        if rhs.isEmpty { return lhs }
        let signature = signatureFunction(matching)
        let left = Set(lhs.map { signature($0.labels) })
        return lhs + rhs.filter { !left.contains(signature($0.labels)) }
    }

    /// `unless`: the left elements whose signature does not occur on the right.
    static func unless(_ lhs: [VectorElement], _ rhs: [VectorElement], matching: VectorMatching) -> [VectorElement] {
        if lhs.isEmpty || rhs.isEmpty { return lhs }
        let signature = signatureFunction(matching)
        let right = Set(rhs.map { signature($0.labels) })
        return lhs.filter { !right.contains(signature($0.labels)) }
    }

    /// Arithmetic or comparison between two vectors.
    ///
    /// The "one" side (the right, or the left for `group_right`) must have unique signatures; in one-to-one matching
    /// each signature may match once. Result labels: the left (many-side) labels, without `__name__` for arithmetic;
    /// in one-to-one matching only the `on` labels, or all but the `ignoring` labels; `group_x(...)` labels copied
    /// from the one side. A filtering comparison keeps the left operand's value.
    static func binop(
        _ op: BinaryOp, _ lhs: [VectorElement], _ rhs: [VectorElement], matching: VectorMatching, returnBool: Bool,
        semantics: PromQLSemantics, at ts: Timestamp
    ) throws(PromQLEvaluationError) -> [VectorElement] {
        guard matching.cardinality != .manyToMany else {
            throw PromQLEvaluationError("many-to-many only allowed for set operators")
        }
        if lhs.isEmpty || rhs.isEmpty { return [] }
        let swapped = matching.cardinality == .oneToMany
        let (many, one) = swapped ? (rhs, lhs) : (lhs, rhs)
        let signature = signatureFunction(matching)

        var oneSide: [Labels: Int] = [:]
        oneSide.reserveCapacity(one.count)
        for (index, element) in one.enumerated() {
            let key = signature(element.labels)
            if let duplicate = oneSide[key] {
                throw PromQLEvaluationError(
                    "found duplicate series for the match group \(key.goDescription) on the "
                        + "\(swapped ? "left" : "right") hand-side of the operation: "
                        + "[\(element.labels.goDescription), \(one[duplicate].labels.goDescription)]"
                        + ";many-to-many matching not allowed: matching labels must be unique on one side")
            }
            oneSide[key] = index
        }

        let dropName = BinaryOperation.dropsMetricName(op, semantics: semantics)
        let matchingNames = Set(matching.matchingLabels)
        var matchedOnce = Set<Labels>()
        var matchedResults: [Labels: Set<Labels>] = [:]
        var out: [VectorElement] = []
        for element in many {
            let key = signature(element.labels)
            guard let oneIndex = oneSide[key] else { continue }
            let other = one[oneIndex]
            let (left, right) = swapped ? (other.v, element.v) : (element.v, other.v)
            var (value, keep) = BinaryOperation.apply(op, left, right)
            if returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }

            var labels = dropName ? element.labels.droppingName() : element.labels
            if matching.cardinality == .oneToOne {
                labels = matching.on ? labels.keeping(matchingNames) : labels.removing(matchingNames)
            }
            for name in matching.include {
                labels[name] = other.labels[name]
            }
            if returnBool { labels = labels.droppingName() }

            if matching.cardinality == .oneToOne {
                guard matchedOnce.insert(key).inserted else {
                    throw PromQLEvaluationError(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
            } else {
                guard matchedResults[key, default: []].insert(labels).inserted else {
                    throw PromQLEvaluationError(
                        "multiple matches for labels: grouping labels must ensure unique matches")
                }
            }
            out.append(VectorElement(labels: labels, t: ts, v: value))
        }
        return out
    }
}
