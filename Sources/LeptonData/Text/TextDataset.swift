import LeptonTensor

/// A batch of variable-length token sequences, padded to the batch's longest sequence.
public struct TextBatch: Sendable {
    /// `[batch, time]` token ids (as floats, the input of `Embedding`), ``TextDataset/paddingID`` after each end.
    public var ids: Tensor
    /// `[batch, time]`: 1 for a real token, 0 for padding (the key mask of attention, the mask of pooling).
    public var mask: Tensor
    /// Each row's number of real tokens.
    public var lengths: [Int]
    /// Each row's index in the dataset.
    public var indices: [Int]
    /// Each row's label, when the dataset has labels.
    public var labels: [Int32]?
}

/// Token sequences of varying length (and optional labels) served as padded batches with masks.
///
/// With length bucketing, sequences of similar length share a batch, so little of each batch is padding: the
/// (optionally shuffled) order is cut into pools of `bucketBatches` batches, each pool is sorted by length and cut
/// into batches, and the batches are shuffled again. Without it, batches follow the (shuffled) order.
public struct TextDataset: Sendable {
    /// The sequences, each truncated to `maximumLength`.
    public let sequences: [[Int32]]
    /// One label per sequence, or `nil`.
    public let labels: [Int32]?
    /// The id written after a sequence's end.
    public let paddingID: Int32

    /// Creates a dataset.
    ///
    /// - Parameters:
    ///   - sequences: Token ids, one array per example.
    ///   - labels: One label per sequence, or `nil`.
    ///   - paddingID: The padding id (default 0).
    ///   - maximumLength: Longer sequences keep their first `maximumLength` tokens (`nil`: no limit).
    /// - Throws: ``TextDataError`` for a label count that differs from the sequence count, an empty sequence, or a
    ///   maximum length below 1.
    public init(
        sequences: [[Int32]], labels: [Int32]? = nil, paddingID: Int32 = 0, maximumLength: Int? = nil
    ) throws(TextDataError) {
        if let labels, labels.count != sequences.count {
            throw TextDataError.countMismatch(sequences: sequences.count, labels: labels.count)
        }
        if let maximumLength, maximumLength < 1 {
            throw TextDataError.invalidSetting(name: "maximumLength", value: "\(maximumLength)", requirement: ">= 1")
        }
        if let empty = sequences.firstIndex(where: \.isEmpty) { throw TextDataError.emptySequence(index: empty) }
        self.sequences = maximumLength.map { limit in sequences.map { Array($0.prefix(limit)) } } ?? sequences
        self.labels = labels
        self.paddingID = paddingID
    }

    /// The number of sequences.
    public var count: Int { sequences.count }

    /// One padded batch of the given rows, in the given order.
    ///
    /// - Parameter indices: Row indices in `0..<count`.
    /// - Returns: The batch.
    /// - Throws: ``TextDataError/invalidSetting(name:value:requirement:)`` for an index out of range or no indices.
    public func batch(_ indices: [Int]) throws(TextDataError) -> TextBatch {
        guard !indices.isEmpty else {
            throw TextDataError.invalidSetting(name: "batch indices", value: "[]", requirement: "non-empty")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw TextDataError.invalidSetting(name: "batch index", value: "\(bad)", requirement: "in 0..<\(count)")
        }
        let lengths = indices.map { sequences[$0].count }
        let time = lengths.max() ?? 0
        var ids = [Float](repeating: Float(paddingID), count: indices.count * time)
        var mask = [Float](repeating: 0, count: indices.count * time)
        for (row, index) in indices.enumerated() {
            for (position, id) in sequences[index].enumerated() {
                ids[row * time + position] = Float(id)
                mask[row * time + position] = 1
            }
        }
        return TextBatch(
            ids: Tensor(ids, shape: [indices.count, time]), mask: Tensor(mask, shape: [indices.count, time]),
            lengths: lengths, indices: indices, labels: labels.map { all in indices.map { all[$0] } })
    }

    /// Every row once, in padded batches.
    ///
    /// - Parameters:
    ///   - size: Rows per batch (the last batch may be smaller).
    ///   - bucketByLength: Group sequences of similar length (default `true`).
    ///   - bucketBatches: Batches per sorting pool when bucketing (default 50; larger pools pad less but mix less).
    ///   - generator: Shuffles rows and batch order when given; otherwise the order is deterministic.
    /// - Returns: The batches.
    /// - Throws: ``TextDataError/invalidSetting(name:value:requirement:)`` for a size or pool below 1.
    public func batches(
        size: Int, bucketByLength: Bool = true, bucketBatches: Int = 50, generator: RandomGenerator? = nil
    ) throws(TextDataError) -> [TextBatch] {
        guard size >= 1 else {
            throw TextDataError.invalidSetting(name: "batch size", value: "\(size)", requirement: ">= 1")
        }
        guard bucketBatches >= 1 else {
            throw TextDataError.invalidSetting(name: "bucketBatches", value: "\(bucketBatches)", requirement: ">= 1")
        }
        var shuffler = generator
        let order = shuffler?.permutation(count) ?? Array(0..<count)
        var groups: [[Int]] = []
        let (pool, overflow) = size.multipliedReportingOverflow(by: bucketBatches)
        let poolSize = overflow ? count : Swift.max(pool, 1)
        var start = 0
        while start < order.count {
            let end = Swift.min(start + poolSize, order.count)
            var slice = Array(order[start..<end])
            if bucketByLength {
                slice = slice.enumerated().sorted {
                    (sequences[$0.element].count, $0.offset) < (sequences[$1.element].count, $1.offset)
                }.map(\.element)
            }
            var first = 0
            while first < slice.count {
                groups.append(Array(slice[first..<Swift.min(first + size, slice.count)]))
                first += size
            }
            start = end
        }
        if bucketByLength, let permutation = shuffler?.permutation(groups.count) {
            groups = permutation.map { groups[$0] }
        }
        var result: [TextBatch] = []
        result.reserveCapacity(groups.count)
        for group in groups { result.append(try batch(group)) }
        return result
    }
}
