/// The extents of a tensor's axes, outermost first (row-major).
///
/// A shape is written like an array: `let shape: Shape = [32, 28, 28, 1]`. A scalar has the empty shape `[]`.
public struct Shape: Sendable, Hashable, Codable, ExpressibleByArrayLiteral, RandomAccessCollection,
    CustomStringConvertible
{
    /// The axis extents.
    public var dimensions: [Int]

    /// Creates a shape from axis extents.
    ///
    /// - Parameter dimensions: The extent of each axis, outermost first; each must be ≥ 0.
    public init(_ dimensions: [Int]) {
        precondition(dimensions.allSatisfy { $0 >= 0 }, "Shape: negative extent in \(dimensions)")
        self.dimensions = dimensions
    }

    /// Creates a shape from an array literal of axis extents.
    public init(arrayLiteral elements: Int...) {
        self.init(elements)
    }

    /// The index of the first axis.
    public var startIndex: Int { dimensions.startIndex }
    /// One past the index of the last axis.
    public var endIndex: Int { dimensions.endIndex }

    /// The extent of axis `axis`.
    public subscript(axis: Int) -> Int {
        get { dimensions[axis] }
        set { dimensions[axis] = newValue }
    }

    /// The number of axes.
    public var rank: Int { dimensions.count }

    /// The number of elements: the product of the extents (1 for a scalar).
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Row-major strides, in elements: how far apart consecutive indices of each axis are.
    public var strides: [Int] {
        var strides = [Int](repeating: 1, count: rank)
        var running = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= dimensions[axis]
        }
        return strides
    }

    /// A readable form such as `[2, 3]`.
    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

    /// Resolves a possibly negative axis (−1 is the last) against this shape, trapping when out of range.
    ///
    /// - Parameters:
    ///   - axis: The axis, negative values counting from the end.
    ///   - operation: The operation name for the error message.
    /// - Returns: The axis as a non-negative index.
    public func normalizedAxis(_ axis: Int, for operation: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(operation): axis \(axis) is out of range for shape \(self)")
        return resolved
    }
}
