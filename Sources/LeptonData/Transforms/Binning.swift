import Foundation
import LeptonSupport

/// How ``Discretize`` (and ``WeightOfEvidence``) place bin edges on a numeric column.
public enum BinningStrategy: String, Sendable, Codable, Hashable {
    /// Equal-frequency bins: edges at the quantiles `i / bins` of the training values (linear interpolation);
    /// edges closer than 1e-8 to the previous one are removed, so there may be fewer bins (as scikit-learn's
    /// `KBinsDiscretizer` with `quantile_method="linear"`).
    case quantile
    /// Equal-width bins between the training minimum and maximum.
    case uniform
}

/// Bin edges and lookup shared by ``Discretize`` and ``WeightOfEvidence``.
///
/// A binning of a column is its ascending interior cut points `c₀ < c₁ < …`: bin 0 holds `x < c₀`, bin i holds
/// `cᵢ₋₁ ≤ x < cᵢ`, the last bin holds `x ≥ c_last` (so values outside the training range fall in the end bins).
enum Binning {
    /// The interior cut points of `bins` bins over the non-empty training `values`.
    static func cuts(_ values: [Double], bins: Int, strategy: BinningStrategy) -> [Double] {
        precondition(bins >= 1, "Binning.cuts: bins = \(bins) must be >= 1")
        let sorted = values.sorted()
        guard let minimum = sorted.first, let maximum = sorted.last else { return [] }
        if minimum == maximum { return [] }
        var edges: [Double]
        switch strategy {
        case .uniform:
            let width = (maximum - minimum) / Double(bins)
            edges = (0...bins).map { $0 == bins ? maximum : minimum + Double($0) * width }
        case .quantile:
            let quantiles = (0...bins).map { Quantile.linear(sorted: sorted, Double($0) / Double(bins)) }
            var last = quantiles[0]
            edges = [last]
            for edge in quantiles.dropFirst() where edge - last > 1e-8 {
                edges.append(edge)
                last = edge
            }
        }
        return Array(edges.dropFirst().dropLast())
    }

    /// The bin of `value`: the number of cut points not greater than it.
    static func index(of value: Double, cuts: [Double]) -> Int {
        var low = 0
        var high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if cuts[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A cut point for people: six significant digits (cut points between data values are often long fractions).
    static func readable(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }

    /// A label for bin `index`: `[lower, upper)` with `-inf`/`inf` at the ends.
    static func label(_ index: Int, cuts: [Double]) -> String {
        let lower = index == 0 ? "-inf" : readable(cuts[index - 1])
        let upper = index == cuts.count ? "inf" : readable(cuts[index])
        return "[\(lower), \(upper))"
    }
}

/// Replaces numeric columns by their bin index 0, 1, … (scikit-learn's `KBinsDiscretizer(encode="ordinal")`).
///
/// Follow it with ``OneHot`` for one indicator per bin. Missing cells stay missing; a constant column has a
/// single bin (index 0).
public struct Discretize: TableTransform {
    /// The numeric columns to bin.
    public var columns: [String]
    /// The number of bins (quantile binning may produce fewer).
    public var bins: Int
    /// Equal frequency or equal width.
    public var strategy: BinningStrategy

    /// A discretizer.
    /// - Parameters:
    ///   - columns: numeric columns.
    ///   - bins: the number of bins (at least 1).
    ///   - strategy: quantile (default) or uniform.
    public init(columns: [String], bins: Int = 5, strategy: BinningStrategy = .quantile) {
        self.columns = columns
        self.bins = bins
        self.strategy = strategy
    }

    /// Learns each column's cut points.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a column without
    ///   values or with NaN/infinity.
    public func fit(on table: Table) throws -> FittedDiscretize {
        guard bins >= 1 else {
            throw TransformError.invalidSetting(name: "bins", value: "\(bins)", requirement: "must be >= 1")
        }
        return FittedDiscretize(
            entries: try columns.map { name in
                .init(
                    column: name,
                    cuts: Binning.cuts(try ColumnAccess.finiteValues(table, name), bins: bins, strategy: strategy),
                    requestedBins: bins)
            })
    }
}

/// A fitted ``Discretize``: each column's interior cut points.
public struct FittedDiscretize: FittedTableTransform {
    /// The cut points of one column: bin 0 is `x < cuts[0]`, bin i is `cuts[i−1] ≤ x < cuts[i]`.
    public struct Entry: Sendable, Codable, Equatable {
        /// The column.
        public let column: String
        /// Ascending interior cut points (one fewer than the bins).
        public let cuts: [Double]
        /// The bins asked for (`nil` in encodings from before it was recorded).
        public let requestedBins: Int?

        /// The cut points of one column.
        /// - Parameters:
        ///   - column: the column.
        ///   - cuts: ascending interior cut points.
        ///   - requestedBins: the bins asked for.
        public init(column: String, cuts: [Double], requestedBins: Int? = nil) {
            self.column = column
            self.cuts = cuts
            self.requestedBins = requestedBins
        }

        /// Whether ties (or a constant column) left fewer bins than asked for: quantiles that coincide are merged,
        /// as scikit-learn's `KBinsDiscretizer` removes bins narrower than 1e-8 (and warns).
        public var collapsed: Bool { requestedBins.map { cuts.count + 1 < $0 } ?? false }
    }

    /// A warning for every column whose bins collapsed (see ``Entry/collapsed``); empty when none did.
    public var warnings: [String] {
        entries.filter(\.collapsed).map { entry in
            "column \(entry.column.debugDescription): \(entry.cuts.count + 1) bins instead of "
                + "\(entry.requestedBins ?? 0); equal quantiles were merged (consider fewer bins)"
        }
    }

    /// One entry per column.
    public let entries: [Entry]

    /// The binned columns.
    public var outputColumns: [String] { entries.map(\.column) }

    /// Replaces each value by its bin index; NaN stays NaN, missing stays missing.
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            try result.mapNumbers(entry.column) { value in
                value.isNaN ? value : Double(Binning.index(of: value, cuts: entry.cuts))
            }
        }
        return try result.table()
    }
}
