/// A preprocessing step that learns its parameters from training data: `fit(on:)` returns the fitted state.
///
/// The configuration is a plain value (column names and options); fitting never mutates it. Every
/// transform is `Codable`, so a ``Pipeline`` can be stored before fitting too.
public protocol TableTransform: Sendable, Codable, Equatable {
    /// The fitted state this transform produces.
    associatedtype Fitted: FittedTableTransform

    /// Learns the transform's parameters from `table`.
    /// - Parameter table: the training data.
    /// - Returns: the fitted state, which applies the transform to any table with the same columns.
    /// - Throws: ``TableError`` for an unknown column or wrong type, ``TransformError`` for unusable values.
    func fit(on table: Table) throws -> Fitted
}

/// The learnt state of a ``TableTransform``: applies it to new data and ships inside a model bundle.
public protocol FittedTableTransform: Sendable, Codable, Equatable {
    /// The names of the columns the transform produces — new, replaced, or passed on as its output — in order.
    var outputColumns: [String] { get }

    /// The transform applied to `table`: a new table with the written columns in place.
    /// - Parameter table: data with the columns the transform was fitted on.
    /// - Throws: ``TableError`` for an unknown column or wrong type, ``TransformError`` for unusable values.
    func apply(to table: Table) throws -> Table
}
