import Foundation

/// Why a drift statistic could not be computed.
public enum DriftError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sample has no usable values (`sample` is `"reference"` or `"current"`, `column` names it when known).
    case emptySample(sample: String, column: String?)
    /// The current data lacks a column the reference has.
    case missingColumn(String)
    /// A column holds numbers in one data set and categories in the other.
    case columnKindMismatch(column: String, reference: ColumnKind, current: ColumnKind)
    /// The method chosen for a column cannot handle its kind (for example Kolmogorov–Smirnov on categories).
    case methodNotApplicable(column: String, method: DriftMethod, kind: ColumnKind)
    /// A configuration value is out of range.
    case invalidConfiguration(setting: String, reason: String)

    /// A sentence naming what went wrong.
    public var description: String {
        switch self {
        case .emptySample(let sample, let column):
            return "the \(sample) sample\(column.map { " of column '\($0)'" } ?? "") has no usable values"
        case .missingColumn(let column): return "the current data has no column '\(column)'"
        case .columnKindMismatch(let column, let reference, let current):
            return "column '\(column)' is \(reference) in the reference but \(current) in the current data"
        case .methodNotApplicable(let column, let method, let kind):
            return "drift method \(method) cannot be applied to \(kind) column '\(column)'"
        case .invalidConfiguration(let setting, let reason): return "invalid drift configuration: \(setting) \(reason)"
        }
    }
}

/// The result of a two-sample Kolmogorov–Smirnov test.
public struct KolmogorovSmirnovResult: Codable, Sendable, Equatable {
    /// How the p-value was computed.
    public enum Method: String, Codable, Sendable {
        /// Exact: the probability, under the null hypothesis, that a random merge of the two samples reaches the
        /// observed distance (a dynamic programme over the n·m lattice of merges).
        case exact
        /// Asymptotic: the Kolmogorov distribution with Stephens' effective-n correction,
        /// p = Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D) with nₑ = n·m/(n + m).
        case asymptotic
    }

    /// D = sup |F_reference(x) − F_current(x)|, the largest distance between the two empirical CDFs.
    public var statistic: Double
    /// The two-sided p-value P(D ≥ observed) under the hypothesis that both samples share one distribution.
    public var pValue: Double
    /// Which computation produced ``pValue``.
    public var method: Method
}

/// The result of a chi-square test of homogeneity.
public struct ChiSquareResult: Codable, Sendable, Equatable {
    /// Pearson's statistic Σ (observed − expected)² / expected over the 2 × k table.
    public var statistic: Double
    /// k − 1, for the k categories seen in either sample.
    public var degreesOfFreedom: Int
    /// P(χ²_{k−1} ≥ statistic).
    public var pValue: Double
}

/// Two-sample statistics that compare a reference sample (training data) with a current sample (live traffic).
///
/// Numeric samples ignore missing values (NaN and ±infinity). Every function throws
/// ``DriftError/emptySample(sample:column:)`` when a sample has no usable value.
public enum DriftStatistics {
    /// The proportion that replaces an empty bin in the PSI (so that ln(c/r) stays finite): 0.0001, the fill value
    /// Evidently uses (empty bins are not renormalised).
    public static let psiEpsilon = 1e-4

    /// The inclusive upper limit of n·m for which ``kolmogorovSmirnov(reference:current:)`` computes the exact
    /// p-value; larger samples use the asymptotic Kolmogorov distribution.
    public static let exactKolmogorovSmirnovLimit = 1_000_000

    /// Population Stability Index of a numeric column.
    ///
    /// Bins: `binCount` equal-frequency bins cut at the reference's quantiles (linear interpolation, NumPy's default),
    /// open-ended at both sides, repeated edges merged; a value equal to an edge goes to the bin above it. With r_k and
    /// c_k the reference and current proportions in bin k (an empty bin counts as ``psiEpsilon``),
    /// PSI = Σ_k (c_k − r_k) · ln(c_k / r_k).
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    ///   - binCount: the number of quantile bins (default 10).
    /// - Returns: the PSI (0 for identical binned distributions; 0.1 and 0.25 are the usual alert levels).
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func populationStabilityIndex(reference: [Double], current: [Double], binCount: Int = 10)
        throws(DriftError) -> Double
    {
        let prepared = try NumericReference(reference, column: nil, binCount: binCount)
        return prepared.populationStabilityIndex(try usableValues(current, sample: "current", column: nil))
    }

    /// Population Stability Index of a categorical column, over the categories seen in either sample
    /// (PSI = Σ_k (c_k − r_k) · ln(c_k / r_k), empty categories counted as ``psiEpsilon``).
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: the PSI.
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func populationStabilityIndex(reference: [String], current: [String]) throws(DriftError) -> Double {
        try requireNonEmpty(reference, current)
        let (r, c) = Binning.sharedCategoryProportions(
            reference: Binning.counts(reference), current: Binning.counts(current))
        return populationStabilityIndex(referenceProportions: r, currentProportions: c)
    }

    /// PSI of two binned distributions given as proportions over the same bins (zeros count as ``psiEpsilon``).
    /// - Parameters:
    ///   - referenceProportions: the reference proportions.
    ///   - currentProportions: the current proportions, same length.
    /// - Returns: Σ (c − r) · ln(c / r).
    public static func populationStabilityIndex(referenceProportions: [Double], currentProportions: [Double])
        -> Double
    {
        precondition(
            referenceProportions.count == currentProportions.count,
            "DriftStatistics.populationStabilityIndex: \(referenceProportions.count) vs \(currentProportions.count) bins"
        )
        var total = 0.0
        for (r, c) in zip(referenceProportions, currentProportions) {
            let reference = r > 0 ? r : psiEpsilon
            let current = c > 0 ? c : psiEpsilon
            total += (current - reference) * log(current / reference)
        }
        return total
    }

    /// The two-sample Kolmogorov–Smirnov test (two-sided).
    ///
    /// The p-value is exact when n·m ≤ ``exactKolmogorovSmirnovLimit`` (as SciPy's `ks_2samp(method="exact")`),
    /// else asymptotic (Kolmogorov distribution with Stephens' effective-n correction); see
    /// ``KolmogorovSmirnovResult/Method``. Ties are allowed in the statistic; the p-value assumes continuous data.
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: D, its p-value and the method used.
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func kolmogorovSmirnov(reference: [Double], current: [Double]) throws(DriftError)
        -> KolmogorovSmirnovResult
    {
        let prepared = try NumericReference(reference, column: nil, binCount: 1)
        return prepared.kolmogorovSmirnov(RadixSort.sorted(try usableValues(current, sample: "current", column: nil)))
    }

    /// The chi-square test of homogeneity of two categorical samples.
    ///
    /// Over the 2 × k contingency table of the k categories seen in either sample, with row totals Rᵢ, column totals
    /// C_j and N observations, the expected count is E_ij = Rᵢ·C_j / N and χ² = Σ (O_ij − E_ij)² / E_ij with k − 1
    /// degrees of freedom (no continuity correction, as SciPy's `chi2_contingency(correction=False)`). For two
    /// categories this equals the square of the pooled two-proportion z statistic, so its p-value is the one of
    /// Evidently's z-test for binary columns.
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: χ², degrees of freedom and p-value (1 when only one category occurs).
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func chiSquareHomogeneity(reference: [String], current: [String]) throws(DriftError)
        -> ChiSquareResult
    {
        try requireNonEmpty(reference, current)
        return chiSquareHomogeneity(referenceCounts: Binning.counts(reference), currentCounts: Binning.counts(current))
    }

    /// The Jensen–Shannon distance between two categorical samples, over the categories seen in either.
    ///
    /// With p and q the two distributions and m = (p + q)/2: JSD = ½ Σ p log₂(p/m) + ½ Σ q log₂(q/m) (0·log 0 = 0),
    /// and the distance is √JSD, in [0, 1] (SciPy's `jensenshannon(p, q, base=2)`).
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: the distance.
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func jensenShannonDistance(reference: [String], current: [String]) throws(DriftError) -> Double {
        try requireNonEmpty(reference, current)
        let (p, q) = Binning.sharedCategoryProportions(
            reference: Binning.counts(reference), current: Binning.counts(current))
        return jensenShannonDistance(p, q)
    }

    /// The Jensen–Shannon distance (base 2) between two numeric samples over the reference's quantile bins (the
    /// bins of ``populationStabilityIndex(reference:current:binCount:)``, without the epsilon).
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    ///   - binCount: the number of quantile bins (default 10).
    /// - Returns: the distance, in [0, 1].
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func jensenShannonDistance(reference: [Double], current: [Double], binCount: Int = 10)
        throws(DriftError) -> Double
    {
        let prepared = try NumericReference(reference, column: nil, binCount: binCount)
        return prepared.jensenShannonDistance(try usableValues(current, sample: "current", column: nil))
    }

    /// The Jensen–Shannon distance between two distributions over the same bins, with the natural logarithm as
    /// Evidently and `scipy.spatial.distance.jensenshannon` (default base) use it: √JSD lies in [0, √ln 2 ≈ 0.833].
    /// (With base 2 the same distributions give a distance √(1/ln 2) ≈ 1.2 times larger, so Evidently's 0.1
    /// threshold would be about 20% more sensitive.)
    /// - Parameters:
    ///   - p: the first distribution (normalised here if it does not sum to 1).
    ///   - q: the second distribution, same length.
    /// - Returns: √JSD (natural log), in [0, √ln 2].
    public static func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "DriftStatistics.jensenShannonDistance: \(p.count) vs \(q.count) bins")
        let pTotal = p.reduce(0, +)
        let qTotal = q.reduce(0, +)
        var divergence = 0.0
        for (rawP, rawQ) in zip(p, q) {
            let pk = rawP / pTotal
            let qk = rawQ / qTotal
            let mk = (pk + qk) / 2
            if pk > 0 { divergence += pk * log(pk / mk) }
            if qk > 0 { divergence += qk * log(qk / mk) }
        }
        return max(0, divergence / 2).squareRoot()
    }

    /// The 1-D Wasserstein-1 (earth mover's) distance: ∫ |F_reference(x) − F_current(x)| dx over the real line.
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: the distance, in the samples' units.
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func wassersteinDistance(reference: [Double], current: [Double]) throws(DriftError) -> Double {
        let prepared = try NumericReference(reference, column: nil, binCount: 1)
        return prepared.wassersteinDistance(RadixSort.sorted(try usableValues(current, sample: "current", column: nil)))
    }

    /// The Wasserstein-1 distance divided by the reference's standard deviation, as Evidently's "Wasserstein distance
    /// (normed)": W₁ / max(σ_reference, 0.001), σ the population standard deviation (divisor n), the floor avoiding a
    /// division by zero for constant references.
    /// - Parameters:
    ///   - reference: the reference sample.
    ///   - current: the current sample.
    /// - Returns: the distance in reference standard deviations.
    /// - Throws: ``DriftError/emptySample(sample:column:)``.
    public static func normalizedWassersteinDistance(reference: [Double], current: [Double]) throws(DriftError)
        -> Double
    {
        let prepared = try NumericReference(reference, column: nil, binCount: 1)
        return prepared.normalizedWassersteinDistance(
            RadixSort.sorted(try usableValues(current, sample: "current", column: nil)))
    }

    static func chiSquareHomogeneity(referenceCounts: [String: Int], currentCounts: [String: Int]) -> ChiSquareResult {
        let categories = Set(referenceCounts.keys).union(currentCounts.keys).sorted()
        guard categories.count > 1 else { return ChiSquareResult(statistic: 0, degreesOfFreedom: 0, pValue: 1) }
        let rows = [referenceCounts, currentCounts]
        let rowTotals = rows.map { Double($0.values.reduce(0, +)) }
        let total = rowTotals[0] + rowTotals[1]
        var statistic = 0.0
        for category in categories {
            let columnTotal = Double(referenceCounts[category, default: 0] + currentCounts[category, default: 0])
            for (row, rowTotal) in zip(rows, rowTotals) {
                let expected = rowTotal * columnTotal / total
                let difference = Double(row[category, default: 0]) - expected
                statistic += difference * difference / expected
            }
        }
        let degrees = categories.count - 1
        return ChiSquareResult(
            statistic: statistic, degreesOfFreedom: degrees,
            pValue: SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: degrees))
    }

    static func usableValues(_ values: [Double], sample: String, column: String?) throws(DriftError) -> [Double] {
        let usable = values.filter(\.isFinite)
        guard !usable.isEmpty else { throw .emptySample(sample: sample, column: column) }
        return usable
    }

    private static func requireNonEmpty(_ reference: [String], _ current: [String]) throws(DriftError) {
        guard !reference.isEmpty else { throw .emptySample(sample: "reference", column: nil) }
        guard !current.isEmpty else { throw .emptySample(sample: "current", column: nil) }
    }
}
