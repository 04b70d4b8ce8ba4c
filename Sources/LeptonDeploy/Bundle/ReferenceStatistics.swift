import LeptonSupport

/// Statistics of the training data and of the model's predictions on it, kept in a bundle so that live traffic can
/// be checked for drift against them later (``DriftDetector``).
///
/// Privacy by default: no training row is stored. Numeric columns keep count, mean, standard deviation, extremes and
/// quantiles, and a quantile sketch (the quantile function at ``NumericColumnReference/sketchResolution`` + 1 evenly
/// spaced levels) — or, for columns with at most ``NumericColumnReference/maximumDistinctValues`` distinct values, the
/// count of each value. Categorical columns keep their category counts. Raw values (the evenly spaced order
/// statistics, all values of a small column) are stored only when asked for (`rawSamples: true`); bundles written
/// before keep theirs and are read as before.
///
/// The drift detector is rebuilt from a pseudo-sample of min(count, ``defaultSampleLimit``) values read off the
/// sketch, so it chooses the same method (test or distance) as one built on the full column (the limit is above
/// ``DriftDetectorConfiguration``'s `smallReferenceLimit`, 1,000).
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
    ///   - sampleLimit: the largest numeric sample kept (raw samples only).
    ///   - rawSamples: whether to store raw numeric values (default: only sketches and counts).
    public init(
        features: [String: DriftColumn], predictions: [String: DriftColumn], sampleLimit: Int = defaultSampleLimit,
        rawSamples: Bool = false
    ) {
        rowCount = features.values.first?.count ?? predictions.values.first?.count ?? 0
        self.features = features.mapValues { ColumnReference($0, sampleLimit: sampleLimit, rawSample: rawSamples) }
        self.predictions = predictions.mapValues {
            ColumnReference($0, sampleLimit: sampleLimit, rawSample: rawSamples)
        }
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
    ///   - sampleLimit: the largest numeric sample kept (raw samples only).
    ///   - rawSample: whether to store raw numeric values.
    public init(
        _ column: DriftColumn, sampleLimit: Int = ReferenceStatistics.defaultSampleLimit, rawSample: Bool = false
    ) {
        switch column {
        case .numeric(let values):
            self = .numeric(NumericColumnReference(values, sampleLimit: sampleLimit, rawSample: rawSample))
        case .categorical(let values): self = .categorical(CategoricalColumnReference(values))
        }
    }

    /// The column as a drift detector reference: the numeric raw sample if stored, else a pseudo-sample read off
    /// the sketch or the value counts; or the categories repeated by their counts (scaled down proportionally to
    /// ``ReferenceStatistics/defaultSampleLimit`` values when there are more).
    public var driftColumn: DriftColumn {
        switch self {
        case .numeric(let reference):
            return .numeric(reference.pseudoSample(limit: ReferenceStatistics.defaultSampleLimit))
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
    /// Raw values, only when asked for (and in bundles written before sketches): at most the sample limit of
    /// values, ascending: all finite values, or the order statistics at ranks `⌊(i + ½)·count / limit⌋`.
    public var sample: [Double]
    /// The quantile function at the levels `i / sketchResolution`, i = 0…``sketchResolution`` (linear
    /// interpolation); empty for value-counted columns, empty columns and old bundles.
    public var sketch: [Double]
    /// The distinct values of a column with at most ``maximumDistinctValues`` of them, ascending (else `nil`).
    public var distinctValues: [Double]?
    /// How often each of ``distinctValues`` occurred.
    public var distinctCounts: [Int]?

    /// The number of intervals of the quantile sketch.
    public static let sketchResolution = 256
    /// Columns with at most this many distinct values keep value counts instead of a sketch.
    public static let maximumDistinctValues = 32

    /// Summarises values; NaN and infinities count as missing.
    /// - Parameters:
    ///   - values: the column.
    ///   - sampleLimit: the largest raw sample kept (at least 1).
    ///   - rawSample: whether to keep raw values (default: a sketch or value counts only).
    public init(_ values: [Double], sampleLimit: Int = ReferenceStatistics.defaultSampleLimit, rawSample: Bool = false)
    {
        precondition(sampleLimit >= 1, "NumericColumnReference: sampleLimit must be at least 1, got \(sampleLimit)")
        let sorted = values.filter(\.isFinite).sorted()
        count = sorted.count
        missingCount = values.count - sorted.count
        quantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
        (sketch, distinctValues, distinctCounts) = ([], nil, nil)
        guard !sorted.isEmpty else {
            (mean, standardDeviation, minimum, maximum, quantiles, sample) = (0, 0, 0, 0, [], [])
            return
        }
        var runs: [(value: Double, count: Int)] = []
        for value in sorted {
            if runs.last?.value == value { runs[runs.count - 1].count += 1 } else { runs.append((value, 1)) }
            if runs.count > Self.maximumDistinctValues { break }
        }
        if runs.count <= Self.maximumDistinctValues {
            distinctValues = runs.map(\.value)
            distinctCounts = runs.map(\.count)
        } else {
            sketch = (0...Self.sketchResolution).map {
                Quantile.linear(sorted: sorted, Double($0) / Double(Self.sketchResolution))
            }
        }
        let average = sorted.reduce(0, +) / Double(sorted.count)
        mean = average
        let squares = sorted.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        standardDeviation = (squares / Double(sorted.count)).squareRoot()
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        quantiles = quantileLevels.map { Quantile.linear(sorted: sorted, $0) }
        if !rawSample {
            sample = []
        } else if sorted.count <= sampleLimit {
            sample = sorted
        } else {
            let step = Double(sorted.count) / Double(sampleLimit)
            sample = (0..<sampleLimit).map { sorted[min(sorted.count - 1, Int((Double($0) + 0.5) * step))] }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case count, missingCount, mean, standardDeviation, minimum, maximum, quantiles, quantileLevels, sample
        case sketch, distinctValues, distinctCounts
    }

    /// Reads a reference, also from bundles written before sketches (raw sample only).
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for missing fields or value counts that do not match their values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        missingCount = try container.decode(Int.self, forKey: .missingCount)
        mean = try container.decode(Double.self, forKey: .mean)
        standardDeviation = try container.decode(Double.self, forKey: .standardDeviation)
        minimum = try container.decode(Double.self, forKey: .minimum)
        maximum = try container.decode(Double.self, forKey: .maximum)
        quantiles = try container.decode([Double].self, forKey: .quantiles)
        quantileLevels = try container.decode([Double].self, forKey: .quantileLevels)
        sample = try container.decodeIfPresent([Double].self, forKey: .sample) ?? []
        sketch = try container.decodeIfPresent([Double].self, forKey: .sketch) ?? []
        distinctValues = try container.decodeIfPresent([Double].self, forKey: .distinctValues)
        distinctCounts = try container.decodeIfPresent([Int].self, forKey: .distinctCounts)
        guard distinctValues?.count == distinctCounts?.count, distinctCounts?.allSatisfy({ $0 >= 0 }) ?? true else {
            throw DecodingError.dataCorruptedError(
                forKey: .distinctCounts, in: container,
                debugDescription: "expected one non-negative count per distinct value")
        }
    }

    /// The values a drift detector is built on: the raw sample when stored; else min(count, `limit`) values read
    /// off the value counts (scaled, every value kept at least once) or off the quantile sketch at the levels
    /// `(i + ½) / m`.
    /// - Parameter limit: the largest number of values.
    /// - Returns: the values, ascending.
    public func pseudoSample(limit: Int) -> [Double] {
        if !sample.isEmpty { return sample }
        if let values = distinctValues, let counts = distinctCounts {
            let expanded = CategoricalColumnReference.scaled(counts, limit: limit)
            return zip(values, expanded).flatMap { repeatElement($0, count: $1) }
        }
        guard sketch.count >= 2 else { return sketch }
        let size = Swift.min(count, limit)
        return (0..<size).map { index in
            let position = (Double(index) + 0.5) / Double(size) * Double(sketch.count - 1)
            let lower = Swift.min(Int(position.rounded(.down)), sketch.count - 2)
            let fraction = position - Double(lower)
            return sketch[lower] + fraction * (sketch[lower + 1] - sketch[lower])
        }
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
        let counts = Self.scaled(categories.map { frequencies[$0]! }, limit: limit)
        return zip(categories, counts).flatMap { repeatElement($0, count: $1) }
    }

    /// Counts scaled to sum to `limit` when they sum to more (largest remainders rounded up, every count kept at
    /// least 1); unchanged otherwise.
    static func scaled(_ counts: [Int], limit: Int) -> [Int] {
        let total = counts.reduce(0, +)
        guard total > limit else { return counts }
        let exact = counts.map { Double($0) * Double(limit) / Double(total) }
        var scaled = exact.map { max(1, Int($0.rounded(.down))) }
        let order = counts.indices.sorted {
            exact[$0] - exact[$0].rounded(.down) > exact[$1] - exact[$1].rounded(.down)
        }
        var index = 0
        while scaled.reduce(0, +) < limit, !order.isEmpty {
            scaled[order[index % order.count]] += 1
            index += 1
        }
        return scaled
    }
}
