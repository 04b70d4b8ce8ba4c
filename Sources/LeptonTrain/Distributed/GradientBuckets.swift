/// The grouping of a model's gradients into buffers of about 25 MB for all-reduction, as PyTorch's
/// DistributedDataParallel does.
///
/// Parameters are taken in reverse order — the order backpropagation finishes them — and packed into buckets
/// until a bucket would exceed ``capacityBytes``; a parameter larger than the capacity gets a bucket of its own.
/// One all-reduction per bucket amortises the per-message latency of the network over many small gradients
/// without holding a copy of the whole model.
public struct GradientBuckets: Sendable, Equatable {
    /// Where one parameter's gradient lives in its bucket.
    public struct Slot: Sendable, Equatable {
        /// The parameter's position in the list the buckets were made from.
        public let parameter: Int
        /// The first element in the bucket's buffer.
        public let offset: Int
        /// The number of elements.
        public let count: Int
    }

    /// PyTorch's default bucket capacity, 25 MiB.
    public static let defaultCapacityBytes = 25 * 1024 * 1024

    /// The largest size of a bucket holding more than one parameter, in bytes.
    public let capacityBytes: Int
    /// The buckets, in reduction order (the last parameters first); each lists its slots.
    public let buckets: [[Slot]]

    /// Groups parameters of the given element counts.
    ///
    /// - Parameters:
    ///   - elementCounts: Each parameter's number of elements, in the model's parameter order.
    ///   - capacityBytes: The bucket capacity in bytes (`Float` elements take 4).
    /// - Throws: ``CollectiveError/invalidSetting(name:value:requirement:)`` for a capacity below 4 bytes or a
    ///   negative element count.
    public init(elementCounts: [Int], capacityBytes: Int = GradientBuckets.defaultCapacityBytes) throws {
        guard capacityBytes >= MemoryLayout<Float>.size else {
            throw CollectiveError.invalidSetting(
                name: "capacityBytes", value: "\(capacityBytes)", requirement: "must hold at least one Float")
        }
        if let negative = elementCounts.firstIndex(where: { $0 < 0 }) {
            throw CollectiveError.invalidSetting(
                name: "elementCounts[\(negative)]", value: "\(elementCounts[negative])",
                requirement: "must not be negative")
        }
        let capacity = capacityBytes / MemoryLayout<Float>.size
        var buckets: [[Slot]] = []
        var current: [Slot] = []
        var used = 0
        for parameter in elementCounts.indices.reversed() {
            let count = elementCounts[parameter]
            if !current.isEmpty && count > capacity - used {
                buckets.append(current)
                current = []
                used = 0
            }
            current.append(Slot(parameter: parameter, offset: used, count: count))
            used += count
        }
        if !current.isEmpty { buckets.append(current) }
        self.capacityBytes = capacityBytes
        self.buckets = buckets
    }

    /// The number of elements of each bucket's buffer.
    public var bucketElementCounts: [Int] {
        buckets.map { slots in slots.last.map { $0.offset + $0.count } ?? 0 }
    }
}
