/// Quantiles by linear interpolation between order statistics (NumPy's and pandas' default `method="linear"`,
/// Hyndman and Fan type 7): for sorted values `v` of count `n`, `q` maps to position `h = (n − 1)·q` and the result
/// is `v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋ + 1] − v[⌊h⌋])`.
package enum Quantile {
    /// The `q`-quantile (`q` in 0...1) of non-empty ascending `sorted`.
    ///
    /// An exact rank (`h` whole) returns that value itself, so infinite values never produce `0 × ∞`.
    ///
    /// - Parameters:
    ///   - sorted: Ascending values, at least one.
    ///   - q: The level, in 0...1.
    /// - Returns: The interpolated quantile.
    package static func linear(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "Quantile.linear: no values")
        precondition(q >= 0 && q <= 1, "Quantile.linear: q = \(q) is outside 0...1")
        let position = Double(sorted.count - 1) * q
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        guard lower + 1 < sorted.count, fraction > 0 else { return sorted[lower] }
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower])
    }

    /// The median of non-empty `values`: the middle value, or the mean of the two middle values for an even count.
    ///
    /// - Parameter values: The values, in any order.
    /// - Returns: The median.
    package static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "Quantile.median: no values")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
