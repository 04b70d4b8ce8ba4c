import LeptonTensor

/// A mini-batch: examples collated into tensors with the batch axis first.
public struct Batch: Sendable {
    /// The features, `[batch, …]` (images `[batch, height, width, channels]`).
    public var features: Tensor
    /// The class labels, when the examples have them.
    public var labels: [Int32]?
    /// The targets, `[batch, …]`, when the examples have them.
    public var targets: Tensor?
    /// The dataset index of each example, in batch order.
    public var indices: [Int]

    /// The number of examples.
    public var count: Int { indices.count }

    /// A batch from its parts.
    /// - Parameters:
    ///   - features: `[batch, …]`.
    ///   - labels: one label per example, or `nil`.
    ///   - targets: `[batch, …]`, or `nil`.
    ///   - indices: the dataset index of each example.
    public init(features: Tensor, labels: [Int32]?, targets: Tensor?, indices: [Int]) {
        self.features = features
        self.labels = labels
        self.targets = targets
        self.indices = indices
    }

    /// Collates `examples` (read from dataset `indices`) into one batch.
    /// - Parameters:
    ///   - examples: at least one example; all features of one shape, all targets of one shape.
    ///   - indices: the dataset index of each example.
    /// - Throws: ``DatasetError/inconsistentShape(index:expected:actual:)`` or
    ///   ``DatasetError/inconsistentLabels(index:)``, naming the dataset index.
    public init(collating examples: [Example], indices: [Int]) throws {
        precondition(!examples.isEmpty && examples.count == indices.count, "Batch(collating:): bad example count")
        features = try Self.stack(examples.map(\.features), indices: indices)
        let hasLabel = examples[0].label != nil
        let hasTarget = examples[0].target != nil
        for (example, index) in zip(examples, indices)
        where (example.label != nil) != hasLabel || (example.target != nil) != hasTarget {
            throw DatasetError.inconsistentLabels(index: index)
        }
        labels = hasLabel ? examples.map { $0.label! } : nil
        targets = hasTarget ? try Self.stack(examples.map { $0.target! }, indices: indices) : nil
        self.indices = indices
    }

    /// Tensors of one shape stacked along a new first axis.
    private static func stack(_ parts: [Tensor], indices: [Int]) throws -> Tensor {
        let shape = parts[0].shape
        let size = shape.elementCount
        var scalars = [Float](repeating: 0, count: parts.count * size)
        try scalars.withUnsafeMutableBufferPointer { destination in
            for (position, part) in parts.enumerated() {
                guard part.shape == shape else {
                    throw DatasetError.inconsistentShape(
                        index: indices[position], expected: shape.dimensions, actual: part.shape.dimensions)
                }
                part.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, size > 0 else { return }
                    (destination.baseAddress! + position * size).update(from: base, count: size)
                }
            }
        }
        return Tensor(scalars, shape: Shape([parts.count] + shape.dimensions))
    }
}
