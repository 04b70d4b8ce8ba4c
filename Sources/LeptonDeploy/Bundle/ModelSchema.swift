import LeptonData

/// What a model accepts and what it returns: the contract every request is checked against.
///
/// ```swift
/// let schema = ModelSchema(
///     input: .tabular([
///         .numeric("age", range: 18...100),
///         .categorical("purpose", categories: ["car", "education", "furniture"]),
///         .boolean("owns_home", required: false),
///     ]),
///     output: .classification(labels: ["bad", "good"]))
/// let images = ModelSchema(input: .tensor(shape: [28, 28, 1], range: 0...1),
///                          output: .classification(labels: (0..<10).map(String.init)))
/// ```
public struct ModelSchema: Codable, Sendable, Equatable {
    /// The request side.
    public var input: InputSchema
    /// The response side.
    public var output: OutputSchema

    /// A schema.
    /// - Parameters:
    ///   - input: what requests carry.
    ///   - output: what the model returns.
    public init(input: InputSchema, output: OutputSchema) {
        self.input = input
        self.output = output
    }
}

/// The input side of a ``ModelSchema``: named raw fields (tabular models, preprocessed by the bundle's pipeline), one
/// tensor, or raw text (tokenised by the tokenizer the schema stores).
public enum InputSchema: Codable, Sendable, Equatable {
    /// Records of named fields.
    case tabular([FieldSchema])
    /// One tensor per request.
    case tensor(TensorSchema)
    /// One string per request.
    case text(TextSchema)

    /// A tensor input of a per-sample shape, F32, optionally limited to a range.
    /// - Parameters:
    ///   - shape: the per-sample shape (without a batch axis).
    ///   - range: the allowed values, if limited.
    /// - Returns: the input schema.
    public static func tensor(shape: [Int], range: ClosedRange<Double>? = nil) -> InputSchema {
        .tensor(TensorSchema(shape: shape, minimum: range?.lowerBound, maximum: range?.upperBound))
    }

    /// The fields of a tabular input (empty for a tensor or text input).
    public var fields: [FieldSchema] {
        if case .tabular(let fields) = self { return fields }
        return []
    }
}

/// One raw input field of a tabular model.
public struct FieldSchema: Codable, Sendable, Equatable {
    /// The field name (the column name the pipeline was fitted on).
    public var name: String
    /// The value type.
    public var type: ColumnType
    /// Whether a request must carry a value (optional fields may be missing; the pipeline imputes them).
    public var required: Bool
    /// The smallest allowed value of a numeric field, if limited.
    public var minimum: Double?
    /// The largest allowed value of a numeric field, if limited.
    public var maximum: Double?
    /// The allowed values of a categorical field; `nil` allows any.
    public var categories: [String]?

    /// A field.
    /// - Parameters:
    ///   - name: the field name.
    ///   - type: the value type.
    ///   - required: whether a value must be present.
    ///   - minimum: the smallest allowed number.
    ///   - maximum: the largest allowed number.
    ///   - categories: the allowed categories.
    public init(
        name: String, type: ColumnType, required: Bool = true, minimum: Double? = nil, maximum: Double? = nil,
        categories: [String]? = nil
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.minimum = minimum
        self.maximum = maximum
        self.categories = categories
    }

    /// A numeric field.
    /// - Parameters:
    ///   - name: the field name.
    ///   - range: the allowed values, if limited.
    ///   - required: whether a value must be present.
    /// - Returns: the field.
    public static func numeric(_ name: String, range: ClosedRange<Double>? = nil, required: Bool = true) -> FieldSchema
    {
        FieldSchema(
            name: name, type: .numeric, required: required, minimum: range?.lowerBound, maximum: range?.upperBound)
    }

    /// A categorical field.
    /// - Parameters:
    ///   - name: the field name.
    ///   - categories: the allowed values (`nil`: any).
    ///   - required: whether a value must be present.
    /// - Returns: the field.
    public static func categorical(_ name: String, categories: [String]?, required: Bool = true) -> FieldSchema {
        FieldSchema(name: name, type: .categorical, required: required, categories: categories)
    }

    /// A boolean field.
    /// - Parameters:
    ///   - name: the field name.
    ///   - required: whether a value must be present.
    /// - Returns: the field.
    public static func boolean(_ name: String, required: Bool = true) -> FieldSchema {
        FieldSchema(name: name, type: .boolean, required: required)
    }

    /// A free-text field.
    /// - Parameters:
    ///   - name: the field name.
    ///   - required: whether a value must be present.
    /// - Returns: the field.
    public static func text(_ name: String, required: Bool = true) -> FieldSchema {
        FieldSchema(name: name, type: .text, required: required)
    }
}

/// The input of a tensor model: one sample's shape, its element type, and optionally the allowed value range.
public struct TensorSchema: Codable, Sendable, Equatable {
    /// The per-sample shape (no batch axis).
    public var shape: [Int]
    /// The element type; Lepton models take `F32`.
    public var dtype: String
    /// The smallest allowed element, if limited.
    public var minimum: Double?
    /// The largest allowed element, if limited.
    public var maximum: Double?

    /// A tensor input.
    /// - Parameters:
    ///   - shape: the per-sample shape.
    ///   - dtype: the element type (`F32`).
    ///   - minimum: the smallest allowed element.
    ///   - maximum: the largest allowed element.
    public init(shape: [Int], dtype: String = "F32", minimum: Double? = nil, maximum: Double? = nil) {
        self.shape = shape
        self.dtype = dtype
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// What kind of answer a model gives.
public enum OutputTask: String, Codable, Sendable {
    /// Class scores: one per label (softmax), or one probability of the second label (sigmoid).
    case classification
    /// Numbers.
    case regression
}

/// The output side of a ``ModelSchema``.
public struct OutputSchema: Codable, Sendable, Equatable {
    /// Classification or regression.
    public var task: OutputTask
    /// The per-sample output shape.
    public var shape: [Int]
    /// Names of the outputs: the class labels of a classifier (in output order), or the names of regression targets.
    public var names: [String]

    /// An output description.
    /// - Parameters:
    ///   - task: classification or regression.
    ///   - shape: the per-sample output shape.
    ///   - names: class labels or output names.
    public init(task: OutputTask, shape: [Int], names: [String]) {
        self.task = task
        self.shape = shape
        self.names = names
    }

    /// A classifier over `labels`: one output per label, or a single sigmoid output for two labels.
    /// - Parameters:
    ///   - labels: the class labels in output order.
    ///   - singleProbability: whether the model has one output, the probability of `labels[1]`.
    /// - Returns: the output schema.
    public static func classification(labels: [String], singleProbability: Bool = false) -> OutputSchema {
        OutputSchema(task: .classification, shape: [singleProbability ? 1 : labels.count], names: labels)
    }

    /// A regression with named outputs.
    /// - Parameter names: one name per output.
    /// - Returns: the output schema.
    public static func regression(names: [String]) -> OutputSchema {
        OutputSchema(task: .regression, shape: [names.count], names: names)
    }

    /// The number of output values per sample.
    public var elementCount: Int { shape.reduce(1, *) }
}

extension ModelSchema {
    /// A tabular schema read from training data: one field per column, typed like the column, with the categories
    /// seen (for categorical columns) and, if asked, the observed numeric range as the allowed range.
    /// - Parameters:
    ///   - table: the training data.
    ///   - columns: the raw input columns (not the target).
    ///   - output: the output side.
    ///   - limitRanges: whether numeric fields only accept the training range.
    /// - Returns: the schema; a column with missing values becomes an optional field.
    /// - Throws: `TableError/columnNotFound(_:available:)`-style errors for an unknown column.
    public static func inferred(
        from table: Table, columns: [String], output: OutputSchema, limitRanges: Bool = false
    ) throws -> ModelSchema {
        var fields: [FieldSchema] = []
        for name in columns {
            let column = try table.column(name)
            var field = FieldSchema(name: name, type: column.type, required: column.missingCount == 0)
            switch column.data {
            case .numeric(let values) where limitRanges:
                let finite = values.compactMap { $0 }.filter(\.isFinite)
                field.minimum = finite.min()
                field.maximum = finite.max()
            case .categorical(let values):
                field.categories = values.categories
            default: break
            }
            fields.append(field)
        }
        return ModelSchema(input: .tabular(fields), output: output)
    }
}
