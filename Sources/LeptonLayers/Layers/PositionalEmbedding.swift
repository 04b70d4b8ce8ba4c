import Foundation
import LeptonTensor

/// A sequence longer than a ``PositionalEmbedding`` covers.
public struct PositionalEmbeddingInputError: Error, Equatable, CustomStringConvertible {
    /// The sequence length given.
    public let length: Int
    /// The most positions the layer covers.
    public let maximumLength: Int

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - length: The sequence length given.
    ///   - maximumLength: The most positions covered.
    public init(length: Int, maximumLength: Int) {
        self.length = length
        self.maximumLength = maximumLength
    }

    /// A sentence naming both lengths.
    public var description: String {
        "PositionalEmbedding: sequence of \(length) steps is longer than the \(maximumLength) positions the layer covers"
    }
}

/// Adds a vector per position to sequences `[batch, time, dimension]`: learned (a trained table, as GPT) or
/// sinusoidal (fixed, as the original Transformer: `PE[p, 2i] = sin(p / 10000^(2i/d))`,
/// `PE[p, 2i+1] = cos(p / 10000^(2i/d))`).
///
/// A sequence longer than ``Configuration/maximumLength`` is reported through ``ForwardContext/report(_:)`` as a
/// ``PositionalEmbeddingInputError`` and the output is NaN.
public final class PositionalEmbedding: Layer {
    /// Where the position vectors come from.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A trained table, initially normal with standard deviation 0.02.
        case learned
        /// The fixed sine and cosine table.
        case sinusoidal
    }

    /// Settings of a ``PositionalEmbedding`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Learned or sinusoidal.
        public var kind: Kind
        /// The most positions covered.
        public var maximumLength: Int
        /// The vector length, once known.
        public var dimension: Int?
    }

    /// The registered type name.
    public static let typeName = "PositionalEmbedding"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[maximumLength, dimension]` for a learned layer, once built.
    public private(set) var table: Parameter?
    /// The fixed table of a sinusoidal layer, once built.
    private var fixedTable: Tensor?

    /// Creates a positional embedding.
    ///
    /// - Parameters:
    ///   - kind: Learned or sinusoidal.
    ///   - maximumLength: The most positions covered.
    public convenience init(_ kind: Kind, maximumLength: Int) {
        self.init(configuration: Configuration(kind: kind, maximumLength: maximumLength))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.maximumLength > 0, "PositionalEmbedding: maximumLength must be positive")
        self.configuration = configuration
    }

    /// Whether the table exists.
    public var isBuilt: Bool { table != nil || fixedTable != nil }

    /// Creates the table for inputs `[time, dimension]`.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let dimension = inputShape[inputShape.rank - 1]
        configuration.dimension = dimension
        let shape: Shape = [configuration.maximumLength, dimension]
        switch configuration.kind {
        case .learned:
            table = Parameter(Tensor.normal(shape, standardDeviation: 0.02, using: &generator))
        case .sinusoidal:
            fixedTable = Self.sinusoids(shape)
        }
    }

    /// The sine and cosine table of `shape` `[positions, dimension]`.
    static func sinusoids(_ shape: Shape) -> Tensor {
        let dimension = shape[1]
        let values = (0..<shape.elementCount).map { index -> Float in
            let (position, column) = (Double(index / dimension), index % dimension)
            let angle = position / pow(10_000, Double(column - column % 2) / Double(dimension))
            return Float(column % 2 == 0 ? sin(angle) : cos(angle))
        }
        return Tensor(values, shape: shape)
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Adds the first `time` position vectors.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        let positions: Tensor
        if let table {
            positions = context.read(table)
        } else if let fixedTable {
            positions = fixedTable
        } else {
            preconditionFailure("PositionalEmbedding: not built")
        }
        let result = Self.add(positions, to: input)
        if let error = result.error { context.report(error) }
        return result.output
    }

    /// `input + table[0..<time]`, or NaN and the error when the sequence is too long.
    static func add(_ table: Tensor, to input: Tensor) -> (output: Tensor, error: PositionalEmbeddingInputError?) {
        precondition(input.rank == 3, "PositionalEmbedding: input must be [batch, time, dimension], got \(input.shape)")
        let time = input.shape[1]
        guard time <= table.shape[0] else {
            return (
                Tensor(repeating: .nan, shape: input.shape),
                PositionalEmbeddingInputError(length: time, maximumLength: table.shape[0])
            )
        }
        return (input + table.slice(axis: 0, 0..<time), nil)
    }
}

extension PositionalEmbedding {
    /// Refuses a maximum length below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.maximumLength, "maximumLength")
    }
}

extension PositionalEmbedding: InferenceLowerable {
    /// Checks the length against a `[time, dimension]` input; counts the learned table.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.extent(configuration.maximumLength, "maximumLength")
        guard inputShape.count == 2 else {
            throw ArchitectureError("needs a [time, dimension] input, got \(inputShape)")
        }
        if let stored = configuration.dimension, stored != inputShape[1] {
            throw ArchitectureError("dimension \(stored) does not match the input's last axis \(inputShape[1])")
        }
        guard inputShape[0] <= configuration.maximumLength else {
            throw ArchitectureError(
                "input length \(inputShape[0]) exceeds maximumLength \(configuration.maximumLength)")
        }
        let parameters =
            configuration.kind == .learned
            ? try limits.parameters([configuration.maximumLength, inputShape[1]], bias: false) : 0
        return ArchitectureStep(outputShape: inputShape, parameterCount: parameters)
    }

    /// `PositionalEmbedding(sinusoidal, 512)`.
    public var summaryLine: String {
        "PositionalEmbedding(\(configuration.kind.rawValue), \(configuration.maximumLength))"
    }

    /// Adds the position vectors.
    public var outputActivation: OutputActivation { .opaque }

    /// Adds the table (NaN for a sequence longer than the layer covers).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let positions = table?.value ?? fixedTable else { throw .notBuilt }
        operations.append(
            FunctionOperation("add position vectors") { PositionalEmbedding.add(positions, to: $0).output })
    }
}
