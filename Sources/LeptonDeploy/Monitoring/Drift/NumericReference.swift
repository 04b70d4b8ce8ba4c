/// A numeric reference sample prepared once (sorted, binned, its spread measured) so that many current windows can
/// be compared with it cheaply.
struct NumericReference: Sendable {
    /// The usable (finite) reference values, sorted.
    let sorted: [Double]
    /// The inner edges of the reference's quantile bins.
    let edges: [Double]
    /// The reference proportions in those bins.
    let proportions: [Double]
    /// The population standard deviation (divisor n).
    let standardDeviation: Double

    init(_ values: [Double], column: String?, binCount: Int) throws(DriftError) {
        sorted = try DriftStatistics.usableValues(values, sample: "reference", column: column).sorted()
        edges = Binning.quantileEdges(sortedReference: sorted, binCount: binCount)
        proportions = Binning.proportions(of: sorted, edges: edges)
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        standardDeviation = (squares / Double(sorted.count)).squareRoot()
    }

    func populationStabilityIndex(_ current: [Double]) -> Double {
        DriftStatistics.populationStabilityIndex(
            referenceProportions: proportions, currentProportions: Binning.proportions(of: current, edges: edges))
    }

    func jensenShannonDistance(_ current: [Double]) -> Double {
        DriftStatistics.jensenShannonDistance(proportions, Binning.proportions(of: current, edges: edges))
    }

    /// ∫ |F_reference − F_current| dx, summed over the gaps between consecutive values of the merged samples, where
    /// both empirical CDFs are constant.
    func wassersteinDistance(_ sortedCurrent: [Double]) -> Double {
        let n = Double(sorted.count)
        let m = Double(sortedCurrent.count)
        var i = 0
        var j = 0
        var total = 0.0
        var position = min(sorted[0], sortedCurrent[0])
        while i < sorted.count || j < sortedCurrent.count {
            let next: Double
            if j == sortedCurrent.count || (i < sorted.count && sorted[i] <= sortedCurrent[j]) {
                next = sorted[i]
            } else {
                next = sortedCurrent[j]
            }
            total += abs(Double(i) / n - Double(j) / m) * (next - position)
            position = next
            while i < sorted.count && sorted[i] == next { i += 1 }
            while j < sortedCurrent.count && sortedCurrent[j] == next { j += 1 }
        }
        return total
    }

    func normalizedWassersteinDistance(_ sortedCurrent: [Double]) -> Double {
        wassersteinDistance(sortedCurrent) / max(standardDeviation, 0.001)
    }

    func kolmogorovSmirnov(_ sortedCurrent: [Double]) -> KolmogorovSmirnovResult {
        KolmogorovSmirnov.test(sortedReference: sorted, sortedCurrent: sortedCurrent)
    }
}

/// The two-sample Kolmogorov–Smirnov statistic and its p-value.
enum KolmogorovSmirnov {
    static func test(sortedReference: [Double], sortedCurrent: [Double]) -> KolmogorovSmirnovResult {
        let n = sortedReference.count
        let m = sortedCurrent.count
        let gap = largestScaledGap(sortedReference, sortedCurrent)
        let statistic = Double(gap) / (Double(n) * Double(m))
        if n * m <= DriftStatistics.exactKolmogorovSmirnovLimit {
            return KolmogorovSmirnovResult(
                statistic: statistic, pValue: exactPValue(n: n, m: m, gap: gap), method: .exact)
        }
        let effective = (Double(n) * Double(m) / Double(n + m)).squareRoot()
        let lambda = (effective + 0.12 + 0.11 / effective) * statistic
        return KolmogorovSmirnovResult(
            statistic: statistic, pValue: SpecialFunctions.kolmogorovSurvival(lambda), method: .asymptotic)
    }

    /// max over distinct values x of |i·m − j·n|, with i and j the counts of reference and current values ≤ x: the
    /// statistic D scaled by n·m, kept as an integer so that the exact p-value compares lattice points exactly.
    static func largestScaledGap(_ reference: [Double], _ current: [Double]) -> Int {
        let n = reference.count
        let m = current.count
        var i = 0
        var j = 0
        var largest = 0
        while i < n || j < m {
            let next = j == m || (i < n && reference[i] <= current[j]) ? reference[i] : current[j]
            while i < n && reference[i] == next { i += 1 }
            while j < m && current[j] == next { j += 1 }
            largest = max(largest, abs(i * m - j * n))
        }
        return largest
    }

    /// P(D ≥ observed) for samples of sizes n and m from one continuous distribution.
    ///
    /// Under the null hypothesis the merged order of the samples is a uniformly random lattice path from (0, 0) to
    /// (n, m), one step right per reference value and one step up per current value. From (i, j) the next step goes
    /// right with probability (n − i)/(n − i + m − j). The dynamic programme carries the probability of reaching each
    /// point without ever touching a point with |i·m − j·n| ≥ `gap`; the p-value is 1 minus that probability at
    /// (n, m). O(n·m) time, O(m) memory.
    static func exactPValue(n: Int, m: Int, gap: Int) -> Double {
        guard gap > 0 else { return 1 }
        var row = [Double](repeating: 0, count: m + 1)
        row[0] = 1
        for j in 1...m {
            let inside = abs(0 * m - j * n) < gap
            row[j] = inside ? row[j - 1] * Double(m - j + 1) / Double(n + m - j + 1) : 0
        }
        for i in 1...n {
            let remainingRight = Double(n - i + 1)
            for j in 0...m {
                guard abs(i * m - j * n) < gap else {
                    row[j] = 0
                    continue
                }
                // Arrive from the left, (i − 1, j): a right step taken with n − i + 1 right and m − j up steps left.
                var probability = row[j] * remainingRight / (remainingRight + Double(m - j))
                if j > 0 {
                    // Arrive from below, (i, j − 1): an up step taken with n − i right and m − j + 1 up steps left.
                    let remainingUp = Double(m - j + 1)
                    probability += row[j - 1] * remainingUp / (Double(n - i) + remainingUp)
                }
                row[j] = probability
            }
        }
        return min(1, max(0, 1 - row[m]))
    }
}
