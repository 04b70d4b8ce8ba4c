/// Adds products of numeric columns: squares and pairwise interactions for degree 2 (scikit-learn's
/// `PolynomialFeatures(include_bias=False)`).
///
/// The input columns stay where they are; the new columns are appended, by degree and then in the order of
/// scikit-learn (for `a`, `b`: `a^2`, `a*b`, `b^2`). Names join the factors with `*` and write repeats as powers
/// (`a^2*b`). A product with a missing factor is missing.
public struct PolynomialFeatures: TableTransform {
    /// The numeric columns to combine.
    public var columns: [String]
    /// The highest total degree (at least 1).
    public var degree: Int
    /// Whether to keep only products of distinct columns (`a*b`, not `a^2`).
    public var interactionOnly: Bool

    /// Polynomial features.
    /// - Parameters:
    ///   - columns: numeric columns.
    ///   - degree: the highest degree (default 2).
    ///   - interactionOnly: only products of distinct columns (default `false`).
    public init(columns: [String], degree: Int = 2, interactionOnly: Bool = false) {
        self.columns = columns
        self.degree = degree
        self.interactionOnly = interactionOnly
    }

    /// Checks the columns and lists the products.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func fit(on table: Table) throws -> FittedPolynomialFeatures {
        guard degree >= 1 else {
            throw TransformError.invalidSetting(name: "degree", value: "\(degree)", requirement: "must be >= 1")
        }
        for name in columns { _ = try table.numbers(name) }
        var terms: [[Int]] = []
        if degree >= 2 {
            for order in 2...degree {
                terms += Self.combinations(of: columns.count, choose: order, repeating: !interactionOnly)
            }
        }
        return FittedPolynomialFeatures(columns: columns, terms: terms)
    }

    /// Non-decreasing (or, without repeats, increasing) index tuples of length `length`, lexicographically.
    static func combinations(of count: Int, choose length: Int, repeating: Bool) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        func extend(from start: Int) {
            if current.count == length {
                result.append(current)
                return
            }
            guard start < count else { return }
            for index in start..<count {
                current.append(index)
                extend(from: repeating ? index : index + 1)
                current.removeLast()
            }
        }
        extend(from: 0)
        return result
    }
}

/// A fitted ``PolynomialFeatures``: the products to add.
public struct FittedPolynomialFeatures: FittedTableTransform {
    /// The input columns.
    public let columns: [String]
    /// Each new column as the indices (into ``columns``) of its factors.
    public let terms: [[Int]]

    /// The name of a product: `a*b`, `a^2`, `a^2*b`.
    func name(_ term: [Int]) -> String {
        var parts: [String] = []
        var position = 0
        while position < term.count {
            var end = position
            while end < term.count && term[end] == term[position] { end += 1 }
            let power = end - position
            parts.append(columns[term[position]] + (power > 1 ? "^\(power)" : ""))
            position = end
        }
        return parts.joined(separator: "*")
    }

    /// The input columns followed by the products.
    public var outputColumns: [String] { columns + terms.map(name) }

    /// Appends the products.
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column, or a product name the table already has.
    public func apply(to table: Table) throws -> Table {
        let values = try columns.map { try table.numbers($0) }
        let products = terms.map { term in
            let data: [Double?] = (0..<table.rowCount).map { row in
                var product = 1.0
                for factor in term {
                    guard let value = values[factor][row] else { return nil }
                    product *= value
                }
                return product
            }
            return Column(name: name(term), data: .numeric(data))
        }
        return try table.appending(products)
    }
}

/// Marks columns as model features without changing them (numeric or boolean columns).
///
/// ``FittedPipeline/features(from:)`` uses the columns some step produced; list here the ready-to-use ones.
public struct Passthrough: TableTransform {
    /// The columns to pass through.
    public var columns: [String]

    /// A pass-through of `columns`.
    /// - Parameter columns: existing columns.
    public init(columns: [String]) { self.columns = columns }

    /// Checks that the columns exist.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func fit(on table: Table) throws -> FittedPassthrough {
        for name in columns { _ = try table.column(name) }
        return FittedPassthrough(columns: columns)
    }
}

/// A fitted ``Passthrough``.
public struct FittedPassthrough: FittedTableTransform {
    /// The columns passed through.
    public let columns: [String]

    /// The columns passed through.
    public var outputColumns: [String] { columns }

    /// Returns `table` after checking that the columns exist.
    /// - Parameter table: data with the columns.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func apply(to table: Table) throws -> Table {
        for name in columns { _ = try table.column(name) }
        return table
    }
}
