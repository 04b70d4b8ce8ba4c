import Foundation
import LeptonSupport

/// How well predicted probabilities match observed rates: samples grouped into bins of predicted probability, each
/// with its count, mean prediction and observed positive rate (the data of a reliability diagram, as
/// scikit-learn's `calibration_curve`).
public struct CalibrationTable: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bin edges are chosen.
    public enum Strategy: String, Sendable, Hashable, Codable {
        /// Equal-width bins over [0, 1].
        case uniform
        /// Edges at quantiles of the predictions, so bins hold about equally many samples.
        case quantile
    }

    /// One bin: predictions in `(lower, upper]` (the first bin also includes its lower edge).
    public struct Bin: Sendable, Hashable, Codable {
        /// The lower edge.
        public let lower: Double
        /// The upper edge.
        public let upper: Double
        /// Samples in the bin.
        public let count: Int
        /// The mean predicted probability (`nil` when empty).
        public let meanPredicted: Double?
        /// The fraction of positives (`nil` when empty).
        public let observedRate: Double?
    }

    /// The bins, in increasing order of probability (empty bins included).
    public let bins: [Bin]

    /// Groups predictions into bins.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities of the positive class, in [0, 1].
    ///   - positives: The truth.
    ///   - binCount: The number of bins ≥ 1.
    ///   - strategy: Equal-width or quantile edges.
    /// - Throws: ``EvaluationError`` for mismatched lengths, no samples, probabilities outside [0, 1] or no bins.
    public init(probabilities: [Double], positives: [Bool], binCount: Int = 10, strategy: Strategy = .uniform) throws {
        try EvaluationError.checkPaired(probabilities.count, positives.count, what: "positives")
        try EvaluationError.checkProbabilities(probabilities)
        guard binCount >= 1 else {
            throw EvaluationError.invalidArgument(name: "binCount", value: String(binCount), requirement: "must be ≥ 1")
        }
        let edges: [Double]
        switch strategy {
        case .uniform: edges = (0...binCount).map { Double($0) / Double(binCount) }
        case .quantile:
            let sorted = probabilities.sorted()
            edges = (0...binCount).map { Quantile.linear(sorted: sorted, Double($0) / Double(binCount)) }
        }
        var counts = [Int](repeating: 0, count: binCount)
        var predictedSums = [Double](repeating: 0, count: binCount)
        var positiveCounts = [Int](repeating: 0, count: binCount)
        for (probability, positive) in zip(probabilities, positives) {
            // The number of inner edges strictly below the probability (NumPy's searchsorted, side "left").
            var bin = 0
            while bin < binCount - 1 && edges[bin + 1] < probability { bin += 1 }
            counts[bin] += 1
            predictedSums[bin] += probability
            if positive { positiveCounts[bin] += 1 }
        }
        bins = (0..<binCount).map { bin in
            Bin(
                lower: edges[bin], upper: edges[bin + 1], count: counts[bin],
                meanPredicted: counts[bin] == 0 ? nil : predictedSums[bin] / Double(counts[bin]),
                observedRate: counts[bin] == 0 ? nil : Double(positiveCounts[bin]) / Double(counts[bin]))
        }
    }

    /// The count-weighted mean of `|observed rate − mean prediction|` over the bins.
    public var expectedCalibrationError: Double {
        let total = Double(bins.reduce(0) { $0 + $1.count })
        return bins.reduce(0) { sum, bin in
            guard let predicted = bin.meanPredicted, let observed = bin.observedRate else { return sum }
            return sum + Double(bin.count) / total * Swift.abs(observed - predicted)
        }
    }

    /// The table, one line per bin.
    public var description: String {
        var lines = ["bin             count  mean predicted  observed rate"]
        for bin in bins {
            let range = String(format: "(%.3f, %.3f]", bin.lower, bin.upper)
            let predicted =
                bin.meanPredicted.map { String(format: "%14.4f", $0) } ?? String(repeating: " ", count: 13) + "-"
            let observed =
                bin.observedRate.map { String(format: "%15.4f", $0) } ?? String(repeating: " ", count: 14) + "-"
            lines.append(range + String(format: "%7d", bin.count) + "  " + predicted + observed)
        }
        return lines.joined(separator: "\n")
    }
}
