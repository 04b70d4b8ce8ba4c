import LeptonSupport

/// Helpers that turn samples into shared bins or categories.
enum Binning {
    /// The inner edges of `binCount` equal-frequency bins of the reference: its quantiles at 1/B, 2/B, …, (B−1)/B,
    /// with repeated edges removed (so heavily tied data gets fewer bins). The outer bins are open-ended.
    static func quantileEdges(sortedReference: [Double], binCount: Int) -> [Double] {
        precondition(binCount >= 1, "Binning.quantileEdges: binCount must be at least 1, got \(binCount)")
        var edges: [Double] = []
        for index in 1..<binCount {
            let edge = Quantile.linear(sorted: sortedReference, Double(index) / Double(binCount))
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// Proportions of `values` in the bins delimited by `edges`: bin k holds e_{k−1} ≤ x < e_k (e₀ = −∞,
    /// e_{B} = +∞), so a value equal to an edge goes to the bin above it.
    static func proportions(of values: [Double], edges: [Double]) -> [Double] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for value in values {
            var low = 0
            var high = edges.count
            while low < high {  // the number of edges ≤ value
                let middle = (low + high) / 2
                if edges[middle] <= value { low = middle + 1 } else { high = middle }
            }
            counts[low] += 1
        }
        return counts.map { Double($0) / Double(values.count) }
    }

    /// Counts of each category.
    static func counts(_ values: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts
    }

    /// The categories seen in either sample, sorted, with the proportion of each sample in each.
    static func sharedCategoryProportions(reference: [String: Int], current: [String: Int]) -> (
        reference: [Double], current: [Double]
    ) {
        let categories = Set(reference.keys).union(current.keys).sorted()
        let referenceTotal = Double(reference.values.reduce(0, +))
        let currentTotal = Double(current.values.reduce(0, +))
        return (
            categories.map { Double(reference[$0, default: 0]) / referenceTotal },
            categories.map { Double(current[$0, default: 0]) / currentTotal }
        )
    }
}
