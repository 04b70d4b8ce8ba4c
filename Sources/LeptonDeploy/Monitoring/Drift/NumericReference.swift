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
        sorted = RadixSort.sorted(try DriftStatistics.usableValues(values, sample: "reference", column: column))
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
        sorted.withUnsafeBufferPointer { reference in
            sortedCurrent.withUnsafeBufferPointer { current in
                let (n, m) = (reference.count, current.count)
                let (nScale, mScale) = (1 / Double(n), 1 / Double(m))
                var i = 0
                var j = 0
                var total = 0.0
                var position = min(reference[0], current[0])
                while i < n || j < m {
                    let next = j == m || (i < n && reference[i] <= current[j]) ? reference[i] : current[j]
                    total += abs(Double(i) * nScale - Double(j) * mScale) * (next - position)
                    position = next
                    while i < n && reference[i] == next { i += 1 }
                    while j < m && current[j] == next { j += 1 }
                }
                return total
            }
        }
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
        reference.withUnsafeBufferPointer { reference in
            current.withUnsafeBufferPointer { current in
                let (n, m) = (reference.count, current.count)
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
        }
    }

    /// P(D ≥ observed) for samples of sizes n and m from one continuous distribution.
    ///
    /// Under the null hypothesis the merged order of the samples is a uniformly random lattice path from (0, 0) to
    /// (n, m), one step right per reference value and one step up per current value. From (i, j) the next step goes
    /// right with probability (n − i)/(n − i + m − j). The dynamic programme carries the probability of reaching each
    /// point without ever touching a point with |i·m − j·n| ≥ `gap`; the p-value is 1 minus that probability at
    /// (n, m). Only the band of allowed points is visited (it moves up monotonically with i), so the cost is
    /// O(n · band width) ≤ O(n·m), with O(m) memory.
    static func exactPValue(n: Int, m: Int, gap: Int) -> Double {
        guard gap > 0 else { return 1 }
        /// The allowed j of row i: j·n in the open interval (i·m − gap, i·m + gap), clamped to 0…m.
        func band(_ i: Int) -> ClosedRange<Int>? {
            let below = i * m - gap
            let low = below < 0 ? 0 : below / n + 1
            let high = min(m, (i * m + gap - 1) / n)
            return low <= high ? low...high : nil
        }
        var row = [Double](repeating: 0, count: m + 1)
        return row.withUnsafeMutableBufferPointer { row in
            guard var previous = band(0) else { return 1 }
            row[0] = 1
            for j in 1..<(previous.upperBound + 1) {
                row[j] = row[j - 1] * Double(m - j + 1) / Double(n + m - j + 1)
            }
            for i in 1...n {
                guard let current = band(i) else { return 1 }
                let rightLeft = Double(n - i + 1)
                for j in current {
                    // From the left, (i − 1, j): a right step with n − i + 1 right and m − j up steps left.
                    var probability = row[j] * rightLeft / (rightLeft + Double(m - j))
                    if j > current.lowerBound {
                        // From below, (i, j − 1): an up step with n − i right and m − j + 1 up steps left.
                        let upLeft = Double(m - j + 1)
                        probability += row[j - 1] * upLeft / (Double(n - i) + upLeft)
                    }
                    row[j] = probability
                }
                for j in previous.lowerBound..<current.lowerBound where j <= previous.upperBound { row[j] = 0 }
                previous = current
            }
            return min(1, max(0, 1 - row[m]))
        }
    }
}
