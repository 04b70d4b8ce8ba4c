/// One tensor described by a safetensors header: its name, element type, shape and where its bytes are.
public struct SafeTensorsEntry: Sendable, Hashable {
    /// The tensor's name, the key in the header (for example `conv1.weight`).
    public let name: String
    /// The element type.
    public let dtype: SafeTensorsDType
    /// The dimensions, outermost first (row-major). Empty for a scalar.
    public let shape: [Int]
    /// The tensor's bytes within the data buffer (the part of the file after the header).
    public let byteRange: Range<Int>

    /// Creates an entry. The caller guarantees that `byteRange.count == elementCount * dtype.byteSize`.
    init(name: String, dtype: SafeTensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { byteRange.count / dtype.byteSize }
}
