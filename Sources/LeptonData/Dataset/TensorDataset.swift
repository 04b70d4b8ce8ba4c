import Foundation
import LeptonTensor

/// Examples held in memory as tensors with the batch axis first: features `[n, …]` with class labels
/// `[Int32]` (classification), targets `[n, …]` (regression), or neither.
public struct TensorDataset: Dataset, Sendable {
    /// All features, `[n, …]`.
    public let features: Tensor
    /// One label per example, for classification.
    public let labels: [Int32]?
    /// All targets, `[n, …]`, for regression.
    public let targets: Tensor?

    /// Unlabelled examples.
    /// - Parameter features: `[n, …]` with n ≥ 0.
    public init(features: Tensor) {
        precondition(features.rank >= 1, "TensorDataset: features need a batch axis, got shape \(features.shape)")
        self.features = features
        labels = nil
        targets = nil
    }

    /// Classification examples.
    /// - Parameters:
    ///   - features: `[n, …]`.
    ///   - labels: n class labels.
    /// - Throws: ``DatasetError/countMismatch(features:labels:)``.
    public init(features: Tensor, labels: [Int32]) throws {
        precondition(features.rank >= 1, "TensorDataset: features need a batch axis, got shape \(features.shape)")
        guard features.shape[0] == labels.count else {
            throw DatasetError.countMismatch(features: features.shape[0], labels: labels.count)
        }
        self.features = features
        self.labels = labels
        targets = nil
    }

    /// Regression examples.
    /// - Parameters:
    ///   - features: `[n, …]`.
    ///   - targets: `[n, …]` (`[n]` for one number per example).
    /// - Throws: ``DatasetError/countMismatch(features:labels:)``.
    public init(features: Tensor, targets: Tensor) throws {
        precondition(features.rank >= 1, "TensorDataset: features need a batch axis, got shape \(features.shape)")
        guard targets.rank >= 1, features.shape[0] == targets.shape[0] else {
            throw DatasetError.countMismatch(
                features: features.shape[0], labels: targets.rank == 0 ? 0 : targets.shape[0])
        }
        self.features = features
        labels = nil
        self.targets = targets
    }

    /// Regression examples with one number per example.
    /// - Parameters:
    ///   - features: `[n, …]`.
    ///   - targets: n numbers (stored as `Float`).
    /// - Throws: ``DatasetError/countMismatch(features:labels:)``.
    public init(features: Tensor, targets: [Double]) throws {
        try self.init(features: features, targets: Tensor(targets.map { Float($0) }, shape: [targets.count]))
    }

    /// The number of examples.
    public var count: Int { features.shape[0] }

    /// Example `index`: its feature row (shape without the batch axis) and its label or target.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: ``DatasetError/indexOutOfRange(index:count:)``.
    public func element(at index: Int) throws -> Example {
        try checkIndex(index)
        return Example(
            features: Self.row(features, index), label: labels?[index], target: targets.map { Self.row($0, index) })
    }

    private static func row(_ tensor: Tensor, _ index: Int) -> Tensor {
        tensor.slice(axis: 0, index..<(index + 1)).reshaped(to: Array(tensor.shape.dimensions.dropFirst()))
    }
}

/// MNIST images as examples: features `[28, 28, 1]` scaled to [0, 1] (NHWC once batched), labels 0…9.
public struct MNISTDataset: Dataset, Sendable {
    /// The split read from IDX files.
    public let split: MNISTSplit

    /// A dataset over `split`.
    /// - Parameter split: images and labels.
    public init(_ split: MNISTSplit) { self.split = split }

    /// The training and test datasets of an MNIST directory (see ``MNISTFiles``).
    /// - Parameter directory: the folder of the four IDX files (optionally gzipped).
    /// - Throws: ``MNISTError`` or ``IDXError``.
    public static func load(from directory: URL) throws -> (train: MNISTDataset, test: MNISTDataset) {
        let files = try MNISTFiles(directory: directory)
        return (MNISTDataset(files.train), MNISTDataset(files.test))
    }

    /// The number of images.
    public var count: Int { split.count }

    /// Image `index` as `[28, 28, 1]` floats in [0, 1], with its label.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: ``DatasetError/indexOutOfRange(index:count:)``.
    public func element(at index: Int) throws -> Example {
        try checkIndex(index)
        let scale: Float = 1 / 255
        let side = MNISTSplit.imageSide
        return Example(
            features: Tensor(split.image(index).map { Float($0) * scale }, shape: [side, side, 1]),
            label: split.labels[index])
    }
}
