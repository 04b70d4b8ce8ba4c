/// How the p-values of the columns of one drift report are corrected for testing many columns at once.
public enum MultipleTestingCorrection: String, Codable, Sendable, CaseIterable {
    /// Each column at the nominal level (the chance of some false alarm grows with the number of columns).
    case none
    /// Each of k tests at `level / k`: the chance that an undrifted window raises any alarm is at most `level`.
    case bonferroni
    /// Benjamini–Hochberg step-up: with p-values sorted ascending, the tests up to the largest rank i with
    /// `p(i) ≤ i · level / k` drift; controls the expected share of false alarms among the alarms at `level`.
    case benjaminiHochberg

    /// Re-decides the p-value results of a report (distances are left alone) and records each test's effective
    /// threshold. (A judged column has at least the minimum window of usable values, so its p-value is a number.)
    func apply(to results: inout [ColumnDriftResult], level: Double) {
        let tested = results.indices.filter { results[$0].method.yieldsPValue }
        guard !tested.isEmpty else { return }
        let k = Double(tested.count)
        switch self {
        case .none:
            for index in tested {
                results[index].threshold = level
                results[index].drifted = results[index].statistic < level
            }
        case .bonferroni:
            for index in tested {
                results[index].threshold = level / k
                results[index].drifted = results[index].statistic < level / k
            }
        case .benjaminiHochberg:
            let ranked = tested.filter { !results[$0].statistic.isNaN }.sorted {
                results[$0].statistic < results[$1].statistic
            }
            var largestRank = 0
            for (position, index) in ranked.enumerated()
            where results[index].statistic <= Double(position + 1) * level / k {
                largestRank = position + 1
            }
            let cutoff = Double(largestRank) * level / k
            for index in tested {
                results[index].threshold = cutoff
                results[index].drifted = largestRank > 0 && results[index].statistic <= cutoff
            }
        }
    }
}
