/// Replaces a text column by hashed term counts in a fixed number of columns `<column>#0` … (the hashing
/// trick, like scikit-learn's `HashingVectorizer`, but with a documented stable hash).
///
/// Each term goes to column `h mod features`, where `h` is the 64-bit ``FNV1a`` hash of its UTF-8 bytes; with
/// ``alternateSign`` it adds −1 instead of +1 when the top bit of `h` is set, so collisions tend to cancel.
/// Rows are then normalised by ``norm``. Nothing is learnt: fitting only checks the column.
public struct FeatureHashing: TableTransform {
    /// The text (or categorical) column.
    public var column: String
    /// How text is split into terms.
    public var tokenizer: Tokenizer
    /// The number of output columns.
    public var features: Int
    /// Whether to add signed counts.
    public var alternateSign: Bool
    /// Row normalisation.
    public var norm: TextNorm

    /// A feature hasher.
    /// - Parameters:
    ///   - column: the text column.
    ///   - tokenizer: the tokenizer.
    ///   - features: the number of output columns (default 1,024).
    ///   - alternateSign: signed counts (default `true`).
    ///   - norm: row normalisation (default ``TextNorm/l2``, as scikit-learn).
    public init(
        column: String, tokenizer: Tokenizer = Tokenizer(), features: Int = 1024, alternateSign: Bool = true,
        norm: TextNorm = .l2
    ) {
        self.column = column
        self.tokenizer = tokenizer
        self.features = features
        self.alternateSign = alternateSign
        self.norm = norm
    }

    /// Checks the column.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    public func fit(on table: Table) throws -> FittedFeatureHashing {
        guard features >= 1 else {
            throw TransformError.invalidSetting(name: "features", value: "\(features)", requirement: "must be >= 1")
        }
        _ = try TextColumn.documents(table, column, tokenizer: tokenizer)
        return FittedFeatureHashing(configuration: self)
    }
}

/// A fitted ``FeatureHashing`` (the configuration itself: hashing learns nothing).
public struct FittedFeatureHashing: FittedTableTransform {
    /// The settings.
    public let configuration: FeatureHashing

    /// `<column>#<index>` for each hash bucket.
    public var outputColumns: [String] { (0..<configuration.features).map { configuration.column + "#\($0)" } }

    /// The bucket and sign of `term`.
    func bucket(_ term: String) -> (index: Int, sign: Double) {
        let hash = FNV1a.hash(term)
        let sign: Double = configuration.alternateSign && hash >> 63 == 1 ? -1 : 1
        return (Int(hash % UInt64(configuration.features)), sign)
    }

    /// Replaces the text column by the hashed counts.
    /// - Parameter table: data with the text column.
    /// - Throws: ``TableError``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    public func apply(to table: Table) throws -> Table {
        let documents = try TextColumn.documents(table, configuration.column, tokenizer: configuration.tokenizer)
        let rows = documents.map { document in
            var row = [Double](repeating: 0, count: configuration.features)
            for term in document {
                let (index, sign) = bucket(term)
                row[index] += sign
            }
            configuration.norm.normalize(&row)
            return row
        }
        return try TextColumn.replacing(table, configuration.column, names: outputColumns, rows: rows)
    }
}
