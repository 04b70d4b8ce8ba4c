import Foundation

extension Tensor {
    /// Reads the tensor `name` of a safetensors file, converting its elements to `Float`.
    ///
    /// - Parameters:
    ///   - file: A validated safetensors file.
    ///   - name: The tensor's name.
    /// - Throws: ``SafeTensorsError`` when the tensor is missing or its dtype cannot become floats.
    public init(_ file: SafeTensorsFile, name: String) throws {
        let entry = try file.entry(name)
        let values = try file.floats(name)
        self.init(values, shape: Shape(entry.shape))
    }

    /// Reads every tensor of a safetensors file as floats, keyed by name.
    ///
    /// - Parameter url: The file.
    /// - Returns: The tensors.
    /// - Throws: ``SafeTensorsError`` naming the file and the rule it breaks, or the tensor that cannot be
    ///   converted.
    public static func loadSafeTensors(from url: URL) throws -> [String: Tensor] {
        let file = try SafeTensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        for entry in file.entries {
            tensors[entry.name] = try Tensor(file, name: entry.name)
        }
        return tensors
    }

    /// Writes tensors as F32 to a safetensors file, atomically.
    ///
    /// - Parameters:
    ///   - tensors: The tensors, keyed by name.
    ///   - url: The destination.
    ///   - metadata: The header's `__metadata__` map.
    /// - Throws: ``SafeTensorsError`` when the file cannot be written.
    public static func saveSafeTensors(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:])
        throws
    {
        var writer = SafeTensorsWriter(metadata: metadata)
        for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) {
            try writer.add(name, tensor)
        }
        try writer.write(to: url)
    }
}

extension SafeTensorsWriter {
    /// Adds a tensor as F32.
    ///
    /// - Parameters:
    ///   - name: The tensor's name; names must be unique within a file.
    ///   - tensor: The tensor.
    /// - Throws: ``SafeTensorsError`` for a duplicate name.
    public mutating func add(_ name: String, _ tensor: Tensor) throws {
        try add(name, shape: tensor.shape.dimensions, floats: tensor.scalars)
    }
}
