import LeptonTensor

/// Builds the steps of a ``Pipeline`` from a list of transforms, with `if`, `if`/`else` and `for`.
@resultBuilder
public enum PipelineBuilder {
    /// One transform.
    public static func buildExpression(_ component: some PipelineComponent) -> [PipelineStep] {
        [component.pipelineStep]
    }
    /// Several steps in a row.
    public static func buildBlock(_ parts: [PipelineStep]...) -> [PipelineStep] { parts.flatMap { $0 } }
    /// Steps under an `if`.
    public static func buildOptional(_ part: [PipelineStep]?) -> [PipelineStep] { part ?? [] }
    /// The `if` branch.
    public static func buildEither(first part: [PipelineStep]) -> [PipelineStep] { part }
    /// The `else` branch.
    public static func buildEither(second part: [PipelineStep]) -> [PipelineStep] { part }
    /// Steps from a `for` loop.
    public static func buildArray(_ parts: [[PipelineStep]]) -> [PipelineStep] { parts.flatMap { $0 } }
}

/// Preprocessing steps applied in order, fitted as a whole on training data (a column transformer).
///
/// ```swift
/// let pipeline = Pipeline {
///     Impute(.median, columns: numeric, indicators: true)
///     OneHot(columns: categorical, unknown: .ignore)
///     StandardScale(columns: numeric)
/// }
/// let fitted = try pipeline.fit(on: train)                  // each step fits on the previous steps' output
/// let (matrix, names) = try fitted.features(from: test)    // ["age", …, "age_missing", "purpose=car", …]
/// ```
/// Steps address columns by name. The model's features are the columns some step produced (see
/// ``FittedTableTransform/outputColumns``), in the order of the final table; columns no step touches (the
/// target, identifiers) are left out — list ready-made numeric columns in a ``Passthrough`` to keep them.
public struct Pipeline: Sendable, Codable, Equatable {
    /// The steps, in order.
    public var steps: [PipelineStep]

    /// A pipeline of `steps`.
    /// - Parameter steps: the steps, in order.
    public init(steps: [PipelineStep]) { self.steps = steps }

    /// A pipeline of the transforms listed in `build`.
    /// - Parameter build: the transforms, in order.
    public init(@PipelineBuilder _ build: () -> [PipelineStep]) { steps = build() }

    /// Fits each step on the output of the previous ones and records the feature names.
    /// - Parameter table: the training data.
    /// - Returns: the fitted pipeline.
    /// - Throws: the first error of a step (``TableError`` or ``TransformError``, naming the column).
    public func fit(on table: Table) throws -> FittedPipeline {
        var current = table
        var fitted: [FittedPipelineStep] = []
        var produced = Set<String>()
        for step in steps {
            let fittedStep = try step.fit(on: current)
            current = try fittedStep.applyForFitting(to: current)
            produced.formUnion(fittedStep.outputColumns)
            fitted.append(fittedStep)
        }
        var pipeline = FittedPipeline(steps: fitted, featureNames: current.columnNames.filter(produced.contains))
        pipeline.inputColumnTypes = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0.type) })
        return pipeline
    }
}

/// A fitted ``Pipeline``: applies the preprocessing anywhere and turns tables into the model's input.
///
/// `Codable` as a whole (JSON `{"formatVersion": 1, "steps": […], "featureNames": […]}`), so it ships inside a
/// model bundle and decodes to an equal pipeline that gives identical features.
public struct FittedPipeline: Sendable, Codable, Equatable {
    /// The version of the encoded form written by this library; newer versions are refused on decoding.
    public static let currentFormatVersion = 1

    /// The encoded form's version.
    public let formatVersion: Int
    /// The fitted steps, in order.
    public let steps: [FittedPipelineStep]
    /// The columns of the feature matrix, in order.
    public let featureNames: [String]
    /// The type of every column of the table the pipeline was fitted on (`nil` for pipelines built by hand or
    /// decoded from an older encoding): the schema ``readTable(csvText:name:options:)`` reads scoring files with.
    public internal(set) var inputColumnTypes: [String: ColumnType]?

    /// A fitted pipeline of `steps` producing `featureNames`.
    /// - Parameters:
    ///   - steps: the fitted steps.
    ///   - featureNames: the feature columns of the final table.
    public init(steps: [FittedPipelineStep], featureNames: [String]) {
        formatVersion = Self.currentFormatVersion
        self.steps = steps
        self.featureNames = featureNames
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion
        case steps
        case featureNames
        case inputColumnTypes
    }

    /// Decodes a fitted pipeline, refusing format versions newer than ``currentFormatVersion``.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        guard formatVersion >= 1 && formatVersion <= Self.currentFormatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion, in: container,
                debugDescription:
                    "pipeline format version \(formatVersion); this library reads 1...\(Self.currentFormatVersion)")
        }
        steps = try container.decode([FittedPipelineStep].self, forKey: .steps)
        featureNames = try container.decode([String].self, forKey: .featureNames)
        inputColumnTypes = try container.decodeIfPresent([String: ColumnType].self, forKey: .inputColumnTypes)
    }

    /// Encodes the steps, feature names and input schema.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(steps, forKey: .steps)
        try container.encode(featureNames, forKey: .featureNames)
        try container.encodeIfPresent(inputColumnTypes, forKey: .inputColumnTypes)
    }

    /// The information value of every column encoded by a ``WeightOfEvidence`` step.
    public var informationValues: [String: Double] {
        var values: [String: Double] = [:]
        for case .weightOfEvidence(let state) in steps { values.merge(state.informationValues) { $1 } }
        return values
    }

    /// Applies every step in order.
    /// - Parameter table: data with the columns the pipeline was fitted on (a target column is not needed).
    /// - Returns: the transformed table, all columns kept.
    /// - Throws: the first error of a step.
    public func apply(to table: Table) throws -> Table {
        try steps.reduce(table) { try $1.apply(to: $0) }
    }

    /// The model's input: the transformed table's feature columns as a `[rows, features]` tensor.
    ///
    /// Numeric columns convert to `Float` (about seven significant digits: for the classical estimators use
    /// ``featureValues(from:)``, which keeps Double), boolean ones to 0/1.
    /// - Parameter table: data with the columns the pipeline was fitted on.
    /// - Returns: the matrix and the feature names (``featureNames``).
    /// - Throws: the first step error; ``TransformError/missingFeature(_:)`` if a feature column is absent;
    ///   ``TransformError/unsupportedColumnType(column:actual:supported:)`` for a feature that is still
    ///   categorical or text; ``TransformError/missingValue(column:row:)`` or
    ///   ``TransformError/nonFiniteValue(column:row:value:)`` for a cell that is missing, NaN, infinite or too
    ///   large for `Float` after the transform.
    public func features(from table: Table) throws -> (matrix: Tensor, names: [String]) {
        let values = try featureValues(from: table)
        var scalars = [Float](repeating: 0, count: values.rows * values.columns)
        for (index, value) in values.values.enumerated() {
            let single = Float(value)
            guard single.isFinite else {
                throw TransformError.nonFiniteValue(
                    column: featureNames[index % values.columns], row: index / values.columns, value: value)
            }
            scalars[index] = single
        }
        return (Tensor(scalars, shape: [values.rows, values.columns]), featureNames)
    }

    /// The model's input in Double: the transformed table's feature columns, without narrowing to Float (see
    /// ``DoubleMatrix``), for the classical estimators.
    ///
    /// Numeric columns are copied, boolean ones become 0/1.
    /// - Parameter table: data with the columns the pipeline was fitted on.
    /// - Returns: the `[rows, featureNames.count]` matrix, columns in ``featureNames`` order.
    /// - Throws: as ``features(from:)``, for cells that are missing, NaN or infinite.
    public func featureValues(from table: Table) throws -> DoubleMatrix {
        let transformed = try apply(to: table)
        let rows = transformed.rowCount
        let width = featureNames.count
        var scalars = [Double](repeating: 0, count: rows * width)
        for (feature, name) in featureNames.enumerated() {
            guard let column = transformed[name] else { throw TransformError.missingFeature(name) }
            switch column.data {
            case .numeric(let values):
                for (row, value) in values.enumerated() {
                    guard let value else { throw TransformError.missingValue(column: name, row: row) }
                    guard value.isFinite else {
                        throw TransformError.nonFiniteValue(column: name, row: row, value: value)
                    }
                    scalars[row * width + feature] = value
                }
            case .boolean(let values):
                for (row, value) in values.enumerated() {
                    guard let value else { throw TransformError.missingValue(column: name, row: row) }
                    scalars[row * width + feature] = value ? 1 : 0
                }
            default:
                throw TransformError.unsupportedColumnType(
                    column: name, actual: column.type, supported: [.numeric, .boolean])
            }
        }
        return DoubleMatrix(unchecked: rows, width, scalars)
    }
}
