import LeptonKernels

/// An n-dimensional array of `Float` values: the value type every Lepton model computes with.
///
/// A tensor has a ``shape`` and row-major, contiguous, 64-byte aligned storage. It is a value: copies
/// share storage until one of them is written (copy-on-write), so passing tensors around is cheap and
/// safe across tasks. Images are NHWC (`[batch, height, width, channels]`), as in Keras.
///
/// A tensor can take part in reverse-mode differentiation: mark inputs with ``requiringGradient(id:)``,
/// compute with them, then ask the result for ``gradients(withRespectTo:)`` or ``backward(seed:)``. Operations
/// record nothing unless an input requires gradients, so inference pays nothing for autodiff.
///
/// Integer data — class labels, token ids — travels as `[Int32]`, not as tensors of floats.
public struct Tensor: Sendable {
    /// The extent of each axis.
    public private(set) var shape: Shape
    var storage: TensorStorage
    /// The node that records how this tensor was computed, when it takes part in differentiation.
    var gradientNode: GradientNode?

    init(shape: Shape, storage: TensorStorage, gradientNode: GradientNode? = nil) {
        precondition(
            storage.count == shape.elementCount,
            "Tensor: storage of \(storage.count) elements does not match shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.gradientNode = gradientNode
    }

    /// Creates a tensor with uninitialised contents; `fill` must write every element.
    package init(shape: Shape, fill: (UnsafeMutablePointer<Float>) -> Void) {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        fill(storage.pointer)
        self.init(shape: shape, storage: storage)
    }

    /// Creates a tensor from row-major values.
    ///
    /// - Parameters:
    ///   - scalars: The values, row-major; their count must equal the product of `shape`.
    ///   - shape: The shape.
    public init(_ scalars: [Float], shape: Shape) {
        precondition(
            scalars.count == shape.elementCount,
            "Tensor(_:shape:): \(scalars.count) values do not fill shape \(shape) (\(shape.elementCount) elements)")
        self.init(shape: shape) { pointer in
            scalars.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { pointer.update(from: base, count: scalars.count) }
            }
        }
    }

    /// Creates a tensor from row-major values read from outside the program, checking their count.
    ///
    /// - Parameters:
    ///   - scalars: The values, row-major.
    ///   - shape: The shape they must fill.
    /// - Throws: ``TensorError/elementCountMismatch(expected:actual:shape:)`` when the count is wrong.
    public init(validating scalars: [Float], shape: Shape) throws {
        guard scalars.count == shape.elementCount else {
            throw TensorError.elementCountMismatch(expected: shape.elementCount, actual: scalars.count, shape: shape)
        }
        self.init(scalars, shape: shape)
    }

    /// Creates a one-dimensional tensor from values.
    ///
    /// - Parameter scalars: The values.
    public init(_ scalars: [Float]) {
        self.init(scalars, shape: [scalars.count])
    }

    /// Creates a scalar (rank-0) tensor.
    ///
    /// - Parameter value: The value.
    public init(_ value: Float) {
        self.init([value], shape: [])
    }

    /// Creates a tensor with every element equal to `value`.
    ///
    /// - Parameters:
    ///   - value: The value of every element.
    ///   - shape: The shape.
    public init(repeating value: Float, shape: Shape) {
        self.init(shape: shape) { pointer in
            Elementwise.fill(pointer, value: value, count: shape.elementCount)
        }
    }

    /// The number of axes.
    public var rank: Int { shape.rank }

    /// The number of elements.
    public var elementCount: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The single element of a one-element tensor (a scalar or any shape of one element).
    public var scalar: Float {
        precondition(elementCount == 1, "Tensor.scalar: tensor of shape \(shape) has \(elementCount) elements, not 1")
        return storage.pointer[0]
    }

    /// The element at a full multi-dimensional index.
    ///
    /// Reading or writing an element does not take part in differentiation.
    public subscript(indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set {
            let index = flatIndex(indices)
            makeUnique()
            storage.pointer[index] = newValue
        }
    }

    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "Tensor subscript: \(indices.count) indices for shape \(shape)")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(
                index >= 0 && index < shape[axis],
                "Tensor subscript: index \(indices) is out of range for shape \(shape)")
            flat = flat * shape[axis] + index
        }
        return flat
    }

    /// Calls `body` with the elements, row-major.
    ///
    /// - Parameter body: Reads the elements; the pointer is valid only during the call.
    /// - Returns: What `body` returns.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with writable elements, row-major, after making this tensor's storage its own.
    ///
    /// Writing through the pointer does not take part in differentiation.
    ///
    /// - Parameter body: Reads and writes the elements; the pointer is valid only during the call.
    /// - Returns: What `body` returns.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The address of this tensor's elements after making its storage its own, for kernels inside the package.
    ///
    /// The storage is a manually allocated buffer whose address never changes, so the pointer stays valid while
    /// this tensor value (or a copy that is not written) is alive; writing through it after the tensor was
    /// copied would change the copy too, so callers use it immediately.
    package mutating func uniqueElementPointer() -> UnsafeMutablePointer<Float> {
        makeUnique()
        return storage.pointer
    }

    /// The address of this tensor's elements for reading, for kernels inside the package (valid while the tensor is
    /// alive).
    package var elementPointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

    /// Gives this tensor storage of its own if others share it (copy-on-write).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(copying: storage.pointer, count: storage.count)
        }
    }

    /// Whether two tensors share the same storage (for tests of copy-on-write).
    public func sharesStorage(with other: Tensor) -> Bool {
        storage === other.storage
    }

    /// The same values with a different shape of the same element count (no copy).
    func viewed(as newShape: Shape) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

/// Problems with data given to a tensor from outside the program.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The number of values does not fill the shape.
    case elementCountMismatch(expected: Int, actual: Int, shape: Shape)
    /// A shape that was expected differs from the one found.
    case shapeMismatch(what: String, expected: Shape, actual: Shape)

    /// A sentence saying what was expected and what was found.
    public var description: String {
        switch self {
        case .elementCountMismatch(let expected, let actual, let shape):
            return "\(actual) values do not fill shape \(shape): expected \(expected)"
        case .shapeMismatch(let what, let expected, let actual):
            return "\(what): expected shape \(expected), found \(actual)"
        }
    }
}
