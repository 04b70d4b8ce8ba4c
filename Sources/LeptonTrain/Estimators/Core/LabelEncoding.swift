import LeptonData
import LeptonTensor

/// How much each class counts in the training loss.
public enum ClassWeight: Sendable, Hashable, Codable {
    /// Every sample weighs 1.
    case uniform
    /// Each class weighs `rows / (classes × rows of that class)`, as scikit-learn's `class_weight="balanced"`, so
    /// rare classes count as much in total as common ones.
    case balanced
    /// A weight per class label; classes not listed weigh 1.
    case custom([Int32: Double])
}

/// Training labels mapped to class indices `0..<classes.count` (classes ascending).
struct LabelEncoding: Sendable {
    /// The distinct labels, ascending.
    let classes: [Int32]
    /// The class index of each sample.
    let indices: [Int]
    /// Samples per class.
    let counts: [Int]

    /// Encodes label targets, requiring one label per row and at least two classes.
    ///
    /// - Parameters:
    ///   - y: The targets; must be `Targets.labels`.
    ///   - rows: The number of feature rows.
    ///   - estimator: The estimator's name, for errors.
    init(_ y: Targets, rows: Int, estimator: String) throws {
        guard case .labels(let labels) = y else {
            throw EstimatorError.wrongTargetKind(estimator: estimator, expected: "label (.labels)")
        }
        guard labels.count == rows else {
            throw EstimatorError.sampleCountMismatch(features: rows, targets: labels.count)
        }
        let (classes, indices) = Self.encode(labels)
        guard classes.count >= 2 else { throw EstimatorError.singleClass(label: classes.first ?? 0) }
        var counts = [Int](repeating: 0, count: classes.count)
        for index in indices { counts[index] += 1 }
        self.classes = classes
        self.indices = indices
        self.counts = counts
    }

    /// The distinct labels ascending and each label's position among them; labels in a small range are counted in
    /// a table, others go through a dictionary.
    private static func encode(_ labels: [Int32]) -> (classes: [Int32], indices: [Int]) {
        guard let smallest = labels.min(), let largest = labels.max() else { return ([], []) }
        let span = Int(largest) - Int(smallest) + 1
        if span <= 65_536 {
            var position = [Int](repeating: -1, count: span)
            for label in labels { position[Int(label) - Int(smallest)] = 0 }
            var classes: [Int32] = []
            for offset in 0..<span where position[offset] == 0 {
                position[offset] = classes.count
                classes.append(Int32(Int(smallest) + offset))
            }
            return (classes, labels.map { position[Int($0) - Int(smallest)] })
        }
        let classes = Array(Set(labels)).sorted()
        var position: [Int32: Int] = [:]
        for (index, label) in classes.enumerated() { position[label] = index }
        return (classes, labels.map { position[$0] ?? 0 })
    }

    /// The weight of each class under `weighting`.
    func classWeights(_ weighting: ClassWeight) -> [Double] {
        switch weighting {
        case .uniform:
            return [Double](repeating: 1, count: classes.count)
        case .balanced:
            let total = Double(indices.count)
            return counts.map { total / (Double(classes.count) * Double($0)) }
        case .custom(let weights):
            return classes.map { weights[$0] ?? 1 }
        }
    }

    /// The weight of each sample under `weighting`, or `nil` when all weigh 1.
    func sampleWeights(_ weighting: ClassWeight) -> [Double]? {
        if case .uniform = weighting { return nil }
        let perClass = classWeights(weighting)
        return indices.map { perClass[$0] }
    }
}
