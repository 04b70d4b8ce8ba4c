import LeptonTensor

/// A token id a user passed to an ``Embedding`` that is not a row of its table.
public struct EmbeddingInputError: Error, Equatable, CustomStringConvertible {
    /// The flat position of the first offending id in the input.
    public let position: Int
    /// The value found there.
    public let value: Float
    /// The number of rows of the table (valid ids are `0..<vocabularySize`).
    public let vocabularySize: Int

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - position: The flat position of the offending id.
    ///   - value: The id found.
    ///   - vocabularySize: The table's rows.
    public init(position: Int, value: Float, vocabularySize: Int) {
        self.position = position
        self.value = value
        self.vocabularySize = vocabularySize
    }

    /// A sentence naming the position, the value and the valid range.
    public var description: String {
        "Embedding: token id \(value) at flat position \(position) is not an integer in 0..<\(vocabularySize)"
    }
}

/// A lookup table from token ids to learned vectors: `[…]` ids become `[…, dimension]` vectors.
///
/// Ids travel as a `Float` tensor holding integers (as labels and every other model input do); an id that is not
/// an integer in `0..<vocabularySize` is reported through ``ForwardContext/report(_:)`` as an
/// ``EmbeddingInputError`` and the whole output is NaN (never a silent row), so a training step throws before any
/// weight changes. Check ids in advance with ``validate(ids:)``. The row at ``Configuration/paddingIndex`` (if any)
/// starts at zero and receives no gradient, as PyTorch's `padding_idx`.
public final class Embedding: Layer {
    /// Settings of an ``Embedding`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The number of rows (valid ids are `0..<vocabularySize`).
        public var vocabularySize: Int
        /// The length of each vector.
        public var dimension: Int
        /// The id whose row stays fixed (no gradient), usually the padding token.
        public var paddingIndex: Int?
    }

    /// The registered type name.
    public static let typeName = "Embedding"
    /// The settings.
    public let configuration: Configuration
    /// `[vocabularySize, dimension]`, once built.
    public private(set) var weight: Parameter?

    /// Creates an embedding table.
    ///
    /// - Parameters:
    ///   - vocabularySize: The number of ids.
    ///   - dimension: The vector length.
    ///   - paddingIndex: An id whose row is zero and receives no gradient.
    ///   - seed: The seed for the initial rows (standard normal, as PyTorch).
    public convenience init(vocabularySize: Int, dimension: Int, paddingIndex: Int? = nil, seed: UInt64 = 0) {
        self.init(
            configuration: Configuration(
                vocabularySize: vocabularySize, dimension: dimension, paddingIndex: paddingIndex))
        var generator = RandomGenerator(seed: seed)
        build(inputShape: [1], generator: &generator)
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(
            configuration.vocabularySize > 0 && configuration.dimension > 0, "Embedding: sizes must be positive")
        precondition(
            configuration.paddingIndex.map { (0..<configuration.vocabularySize).contains($0) } ?? true,
            "Embedding: paddingIndex must be a valid id")
        self.configuration = configuration
    }

    /// Whether the table exists.
    public var isBuilt: Bool { weight != nil }

    /// Creates the table (standard normal values, the padding row zero); the input shape does not matter.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        var table = Tensor.normal([configuration.vocabularySize, configuration.dimension], using: &generator)
        if let padding = configuration.paddingIndex {
            table.withUnsafeMutableBufferPointer { values in
                for column in 0..<configuration.dimension { values[padding * configuration.dimension + column] = 0 }
            }
        }
        weight = Parameter(table)
    }

    /// `inputShape + [dimension]`.
    public func outputShape(for inputShape: Shape) -> Shape { Shape(inputShape.dimensions + [configuration.dimension]) }

    /// Checks that every id is an integer row of the table.
    ///
    /// - Parameter ids: The ids, any shape.
    /// - Throws: ``EmbeddingInputError`` naming the first offending id.
    public func validate(ids: Tensor) throws(EmbeddingInputError) {
        if let error = Self.firstInvalid(ids.scalars, vocabularySize: configuration.vocabularySize) { throw error }
    }

    /// Looks the ids up.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let weight else { preconditionFailure("Embedding: not built") }
        var table = context.read(weight)
        if let padding = configuration.paddingIndex, table.requiresGradient {
            // Same values; the padding row's gradient is cut by taking that row from a detached copy.
            var keep = [Float](repeating: 1, count: configuration.vocabularySize)
            keep[padding] = 0
            let mask = Tensor(keep, shape: [configuration.vocabularySize, 1])
            table = table * mask + table.detached * (1 - mask)
        }
        let result = Self.lookup(input, table: table)
        if let error = result.error { context.report(error) }
        return result.output
    }

    /// The rows of `table` for the ids of `input`, or NaN everywhere and the error when an id is invalid.
    static func lookup(_ input: Tensor, table: Tensor) -> (output: Tensor, error: EmbeddingInputError?) {
        let scalars = input.scalars
        let (vocabularySize, dimension) = (table.shape[0], table.shape[1])
        let shape = Shape(input.shape.dimensions + [dimension])
        if let error = firstInvalid(scalars, vocabularySize: vocabularySize) {
            return (Tensor(repeating: .nan, shape: shape), error)
        }
        return (table.gathering(scalars.map { Int32($0) }).reshaped(to: shape), nil)
    }

    private static func firstInvalid(_ scalars: [Float], vocabularySize: Int) -> EmbeddingInputError? {
        for (position, value) in scalars.enumerated()
        where !(value >= 0 && value < Float(vocabularySize) && value.rounded() == value) {
            return EmbeddingInputError(position: position, value: value, vocabularySize: vocabularySize)
        }
        return nil
    }
}

extension Embedding {
    /// Refuses sizes below 1 and a padding index that is not a valid id.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.vocabularySize > 0, configuration.dimension > 0 else {
            throw ArchitectureError(
                "vocabularySize and dimension must be positive, got \(configuration.vocabularySize) and "
                    + "\(configuration.dimension)")
        }
        if let padding = configuration.paddingIndex, !(0..<configuration.vocabularySize).contains(padding) {
            throw ArchitectureError("paddingIndex \(padding) is not in 0..<\(configuration.vocabularySize)")
        }
    }
}

extension Embedding: InferenceLowerable {
    /// Checks the sizes and the padding id; counts `vocabularySize · dimension` weights.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.extent(configuration.vocabularySize, "vocabularySize")
        try limits.extent(configuration.dimension, "dimension")
        if let padding = configuration.paddingIndex, !(0..<configuration.vocabularySize).contains(padding) {
            throw ArchitectureError(
                "paddingIndex \(padding) is outside 0..<\(configuration.vocabularySize)")
        }
        let output = inputShape + [configuration.dimension]
        try limits.activation(output)
        let parameters = try limits.parameters([configuration.vocabularySize, configuration.dimension], bias: false)
        return ArchitectureStep(outputShape: output, parameterCount: parameters)
    }

    /// `Embedding(1000, 64, padding 0)`.
    public var summaryLine: String {
        "Embedding(\(configuration.vocabularySize), \(configuration.dimension)"
            + (configuration.paddingIndex.map { ", padding \($0))" } ?? ")")
    }

    /// A table lookup (NaN rows for a batch holding an invalid id).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let table = weight?.value else { throw .notBuilt }
        operations.append(FunctionOperation("embedding lookup") { Embedding.lookup($0, table: table).output })
    }
}
