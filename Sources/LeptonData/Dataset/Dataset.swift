import LeptonTensor

/// A random-access collection of training examples (or anything else) that may be read lazily.
///
/// Conform with a count and an element accessor; the adapters (``map(_:)``, ``shuffled(seed:)``,
/// ``subset(_:)``, ``concatenated(with:)``) and ``DataLoader`` do the rest. A dataset that crosses threads
/// (a prefetching loader) must be `Sendable`.
public protocol Dataset {
    /// The type of one element.
    associatedtype Element

    /// The number of elements.
    var count: Int { get }

    /// The element at `index`.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: ``DatasetError/indexOutOfRange(index:count:)``, or whatever reading the element throws.
    func element(at index: Int) throws -> Element
}

/// Why a dataset could not produce an element or a batch.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The index is outside `0..<count`.
    case indexOutOfRange(index: Int, count: Int)
    /// Features and labels (or targets) disagree in number.
    case countMismatch(features: Int, labels: Int)
    /// An element's tensor shape differs from the first element's in the same batch.
    case inconsistentShape(index: Int, expected: [Int], actual: [Int])
    /// Some elements of a batch have a label (or target) and others do not.
    case inconsistentLabels(index: Int)

    /// A one-line explanation naming the index and the numbers involved.
    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let count):
            return "dataset index \(index) is out of range 0..<\(count)"
        case .countMismatch(let features, let labels):
            return "\(features) feature rows but \(labels) labels or targets"
        case .inconsistentShape(let index, let expected, let actual):
            return "element \(index) has shape \(actual), expected \(expected) like the rest of its batch"
        case .inconsistentLabels(let index):
            return "element \(index) differs from the rest of its batch in having a label or target"
        }
    }
}

/// One supervised example: a feature tensor and a class label or a regression target (or neither).
public struct Example: Sendable {
    /// The features of one example (any shape; an image is `[height, width, channels]`).
    public var features: Tensor
    /// The class label, for classification.
    public var label: Int32?
    /// The target, for regression (any shape; a scalar target has shape `[]`).
    public var target: Tensor?

    /// An example.
    /// - Parameters:
    ///   - features: the features.
    ///   - label: the class label.
    ///   - target: the regression target.
    public init(features: Tensor, label: Int32? = nil, target: Tensor? = nil) {
        self.features = features
        self.label = label
        self.target = target
    }
}

extension Dataset {
    /// Throws ``DatasetError/indexOutOfRange(index:count:)`` unless `index` is in `0..<count`.
    func checkIndex(_ index: Int) throws {
        guard index >= 0 && index < count else { throw DatasetError.indexOutOfRange(index: index, count: count) }
    }

    /// A dataset whose elements are this one's passed through `transform` (lazily, on each access).
    /// - Parameter transform: the element transform.
    public func map<T>(_ transform: @escaping @Sendable (Element) throws -> T) -> MappedDataset<Self, T> {
        MappedDataset(base: self, transform: transform)
    }

    /// The elements at `indices`, in that order (repeats allowed).
    /// - Parameter indices: indices in `0..<count` (a bad index is a programmer error and traps).
    public func subset(_ indices: [Int]) -> SubsetDataset<Self> {
        for index in indices {
            precondition(index >= 0 && index < count, "Dataset.subset: index \(index) out of range 0..<\(count)")
        }
        return SubsetDataset(base: self, indices: indices)
    }

    /// The elements in a random order fixed by `seed`.
    /// - Parameter seed: the random seed.
    public func shuffled(seed: UInt64) -> SubsetDataset<Self> {
        var generator = RandomGenerator(seed: seed)
        return SubsetDataset(base: self, indices: generator.permutation(count))
    }

    /// This dataset's elements followed by `other`'s.
    /// - Parameter other: a dataset of the same element type.
    public func concatenated<Other: Dataset>(with other: Other) -> ConcatenatedDataset<Self, Other>
    where Other.Element == Element {
        ConcatenatedDataset(first: self, second: other)
    }
}

/// A dataset transformed element by element; see ``Dataset/map(_:)``.
public struct MappedDataset<Base: Dataset, Element>: Dataset {
    /// The underlying dataset.
    public let base: Base
    /// The element transform.
    public let transform: @Sendable (Base.Element) throws -> Element

    /// The number of elements (the base's).
    public var count: Int { base.count }

    /// The transformed element at `index`.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: the base's or the transform's error.
    public func element(at index: Int) throws -> Element { try transform(base.element(at: index)) }
}

extension MappedDataset: Sendable where Base: Sendable {}

/// Selected elements of a dataset, in a given order; see ``Dataset/subset(_:)`` and ``Dataset/shuffled(seed:)``.
public struct SubsetDataset<Base: Dataset>: Dataset {
    /// The underlying dataset.
    public let base: Base
    /// For each element, its index in ``base``.
    public let indices: [Int]

    /// The number of selected elements.
    public var count: Int { indices.count }

    /// The base element at `indices[index]`.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: ``DatasetError/indexOutOfRange(index:count:)`` or the base's error.
    public func element(at index: Int) throws -> Base.Element {
        try checkIndex(index)
        return try base.element(at: indices[index])
    }
}

extension SubsetDataset: Sendable where Base: Sendable {}

/// Two datasets one after the other; see ``Dataset/concatenated(with:)``.
public struct ConcatenatedDataset<First: Dataset, Second: Dataset>: Dataset where First.Element == Second.Element {
    /// The first part.
    public let first: First
    /// The second part.
    public let second: Second

    /// The total number of elements.
    public var count: Int { first.count + second.count }

    /// The element at `index` of the concatenation.
    /// - Parameter index: an index in `0..<count`.
    /// - Throws: ``DatasetError/indexOutOfRange(index:count:)`` or a part's error.
    public func element(at index: Int) throws -> First.Element {
        try checkIndex(index)
        return index < first.count ? try first.element(at: index) : try second.element(at: index - first.count)
    }
}

extension ConcatenatedDataset: Sendable where First: Sendable, Second: Sendable {}
