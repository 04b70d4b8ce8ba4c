/// Statistics of the training data and of the model's predictions on it, kept in a bundle so that live traffic can
/// be checked for drift against them later (``DriftDetector``).
///
/// Numeric columns keep a sample of at most ``defaultSampleLimit`` values — the evenly spaced order statistics of
/// the column (all values when there are fewer) — plus count, mean, standard deviation, extremes and quantiles.
/// Categorical columns keep their category counts. The limit is above ``DriftDetectorConfiguration``'s
/// `smallReferenceLimit` (1,000), so a detector rebuilt from the sample chooses the same method (test or distance) as
/// one built on the full column.
///
/// Tensor models have no named features; their reference holds per-sample summaries (``tensorSummaryColumns``):
/// each input's mean and standard deviation.
public struct ReferenceStatistics: Codable, Sendable, Equatable {
    /// The default largest numeric sample.
    public static let defaultSampleLimit = 2000
    /// The feature names of a tensor model's per-sample summaries.
    public static let tensorSummaryColumns = ["input_mean", "input_std"]
    /// The prediction column holding a classifier's predicted label.
    public static let predictedLabelColumn = "predicted_label"
    /// The prediction column holding a classifier's top probability.
    public static let confidenceColumn = "confidence"

    /// The number of training rows summarised.
    public var rowCount: Int
    /// The training features (raw input fields, or tensor summaries), by column.
    public var features: [String: ColumnReference]
    /// The predictions on the training data, by column.
    public var predictions: [String: ColumnReference]

    /// Statistics.
    /// - Parameters:
    ///   - rowCount: the number of rows summarised.
    ///   - features: the feature columns.
    ///   - predictions: the prediction columns.
    public init(rowCount: Int, features: [String: ColumnReference], predictions: [String: ColumnReference]) {
        self.rowCount = rowCount
        self.features = features
        self.predictions = predictions
    }

    /// Summarises columns.
    /// - Parameters:
    ///   - features: the feature columns (as the drift detector sees them).
    ///   - predictions: the prediction columns.
    ///   - sampleLimit: the largest numeric sample kept.
    public init(
        features: [String: DriftColumn], predictions: [String: DriftColumn], sampleLimit: Int = defaultSampleLimit
    ) {
        rowCount = features.values.first?.count ?? predictions.values.first?.count ?? 0
        self.features = features.mapValues { ColumnReference($0, sampleLimit: sampleLimit) }
        self.predictions = predictions.mapValues { ColumnReference($0, sampleLimit: sampleLimit) }
    }

    /// The feature reference as drift-detector columns.
    public var featureReference: [String: DriftColumn] { features.mapValues(\.driftColumn) }
    /// The prediction reference as drift-detector columns.
    public var predictionReference: [String: DriftColumn] { predictions.mapValues(\.driftColumn) }

    /// A drift detector for live features.
    /// - Parameter configuration: the detector settings.
    /// - Returns: the detector.
    /// - Throws: ``DriftError`` when a column has no usable values.
    public func featureDriftDetector(configuration: DriftDetectorConfiguration = .init()) throws(DriftError)
        -> DriftDetector
    {
        try DriftDetector(reference: featureReference, configuration: configuration)
    }

    /// A drift detector for live predictions.
    /// - Parameter configuration: the detector settings.
    /// - Returns: the detector.
    /// - Throws: ``DriftError`` when a column has no usable values.
    public func predictionDriftDetector(configuration: DriftDetectorConfiguration = .init()) throws(DriftError)
        -> DriftDetector
    {
        try DriftDetector(reference: predictionReference, configuration: configuration)
    }
}

/// The reference of one column.
public enum ColumnReference: Codable, Sendable, Equatable {
    /// A numeric column.
    case numeric(NumericColumnReference)
    /// A categorical column.
    case categorical(CategoricalColumnReference)

    /// Summarises a column.
    /// - Parameters:
    ///   - column: the values.
    ///   - sampleLimit: the largest numeric sample kept.
    public init(_ column: DriftColumn, sampleLimit: Int = ReferenceStatistics.defaultSampleLimit) {
        switch column {
        case .numeric(let values): self = .numeric(NumericColumnReference(values, sampleLimit: sampleLimit))
        case .categorical(let values): self = .categorical(CategoricalColumnReference(values))
        }
    }

    /// The column as a drift detector reference: the numeric sample, or the categories repeated by their counts
    /// (scaled down proportionally to ``ReferenceStatistics/defaultSampleLimit`` values when there are more).
    public var driftColumn: DriftColumn {
        switch self {
        case .numeric(let reference): return .numeric(reference.sample)
        case .categorical(let reference):
            return .categorical(reference.expanded(limit: ReferenceStatistics.defaultSampleLimit))
        }
    }
}

/// The reference of a numeric column.
public struct NumericColumnReference: Codable, Sendable, Equatable {
    /// Finite values.
    public var count: Int
    /// Missing or non-finite values (left out of everything else).
    public var missingCount: Int
    /// The mean of the finite values (0 when there are none).
    public var mean: Double
    /// Their population standard deviation.
    public var standardDeviation: Double
    /// The smallest finite value (0 when there are none).
    public var minimum: Double
    /// The largest finite value (0 when there are none).
    public var maximum: Double
    /// Quantiles at ``quantileLevels`` (linear interpolation, NumPy's default).
    public var quantiles: [Double]
    /// The levels of ``quantiles``.
    public var quantileLevels: [Double]
    /// At most the sample limit of values, ascending: all finite values, or the order statistics at ranks
    /// `⌊(i + ½)·count / limit⌋`.
    public var sample: [Double]

    /// Summarises values; NaN and infinities count as missing.
    /// - Parameters:
    ///   - values: the column.
    ///   - sampleLimit: the largest sample kept (at least 1).
    public init(_ values: [Double], sampleLimit: Int = ReferenceStatistics.defaultSampleLimit) {
        precondition(sampleLimit >= 1, "NumericColumnReference: sampleLimit must be at least 1, got \(sampleLimit)")
        let sorted = values.filter(\.isFinite).sorted()
        count = sorted.count
        missingCount = values.count - sorted.count
        quantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
        guard !sorted.isEmpty else {
            (mean, standardDeviation, minimum, maximum, quantiles, sample) = (0, 0, 0, 0, [], [])
            return
        }
        let average = sorted.reduce(0, +) / Double(sorted.count)
        mean = average
        let squares = sorted.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        standardDeviation = (squares / Double(sorted.count)).squareRoot()
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        quantiles = quantileLevels.map { Self.quantile(sorted, $0) }
        if sorted.count <= sampleLimit {
            sample = sorted
        } else {
            let step = Double(sorted.count) / Double(sampleLimit)
            sample = (0..<sampleLimit).map { sorted[min(sorted.count - 1, Int((Double($0) + 0.5) * step))] }
        }
    }

    private static func quantile(_ sorted: [Double], _ level: Double) -> Double {
        let position = Double(sorted.count - 1) * level
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        guard lower + 1 < sorted.count, fraction > 0 else { return sorted[lower] }
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower])
    }
}

/// The reference of a categorical column.
public struct CategoricalColumnReference: Codable, Sendable, Equatable {
    /// How often each category occurred.
    public var frequencies: [String: Int]
    /// Missing values (empty strings count as missing).
    public var missingCount: Int

    /// Counts categories.
    /// - Parameter values: the column; empty strings are missing.
    public init(_ values: [String]) {
        var counts: [String: Int] = [:]
        var missing = 0
        for value in values {
            if value.isEmpty { missing += 1 } else { counts[value, default: 0] += 1 }
        }
        frequencies = counts
        missingCount = missing
    }

    /// The total of the category counts.
    public var count: Int { frequencies.values.reduce(0, +) }

    /// The categories repeated by their counts, sorted by category; when the total exceeds `limit`, the counts are
    /// scaled to sum to `limit` (largest remainders rounded up, every seen category kept at least once).
    /// - Parameter limit: the largest number of values.
    /// - Returns: the values.
    public func expanded(limit: Int) -> [String] {
        let categories = frequencies.keys.sorted()
        let total = count
        var counts = categories.map { frequencies[$0]! }
        if total > limit {
            let exact = counts.map { Double($0) * Double(limit) / Double(total) }
            counts = exact.map { max(1, Int($0.rounded(.down))) }
            let order = categories.indices.sorted {
                exact[$0] - exact[$0].rounded(.down) > exact[$1] - exact[$1].rounded(.down)
            }
            var index = 0
            while counts.reduce(0, +) < limit, !order.isEmpty {
                counts[order[index % order.count]] += 1
                index += 1
            }
        }
        return zip(categories, counts).flatMap { repeatElement($0, count: $1) }
    }
}
