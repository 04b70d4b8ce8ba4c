extension InteractionMatrix: Codable {
    private enum CodingKeys: String, CodingKey {
        case users, items, ratingScale, rowOffsets, itemIndices, values, timestamps
    }

    /// Decodes the CSR arrays, validates them, and rebuilds the column view.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` when offsets, indices or lengths are inconsistent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let users = try container.decode(IDMap.self, forKey: .users)
        let items = try container.decode(IDMap.self, forKey: .items)
        let scale = try container.decodeIfPresent(ClosedRange<Double>.self, forKey: .ratingScale)
        let offsets = try container.decode([Int].self, forKey: .rowOffsets)
        let indices = try container.decode([Int32].self, forKey: .itemIndices)
        let values = try container.decode([Double].self, forKey: .values)
        let times = try container.decodeIfPresent([Double].self, forKey: .timestamps)
        func corrupt(_ message: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        guard offsets.count == users.count + 1, offsets.first == 0, offsets.last == indices.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw corrupt("row offsets do not describe \(users.count) rows of \(indices.count) entries") }
        guard values.count == indices.count, times.map({ $0.count == indices.count }) ?? true else {
            throw corrupt("values or timestamps do not match \(indices.count) entries")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(indices.count)
        for user in 0..<users.count {
            var previous = -1
            for position in offsets[user]..<offsets[user + 1] {
                let item = Int(indices[position])
                guard item > previous, item < items.count else {
                    throw corrupt("row \(user): item index \(item) out of order or out of range 0..<\(items.count)")
                }
                previous = item
                entries.append(Entry(user: user, item: item, value: values[position], timestamp: times?[position]))
            }
        }
        self.init(users: users, items: items, ratingScale: scale, entries: entries, hasTimestamps: times != nil)
    }

    /// Encodes the id maps, the scale and the CSR arrays; the column view is rebuilt on decoding.
    /// - Parameter encoder: The encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(users, forKey: .users)
        try container.encode(items, forKey: .items)
        try container.encodeIfPresent(ratingScale, forKey: .ratingScale)
        try container.encode(rowOffsets, forKey: .rowOffsets)
        try container.encode(itemIndices, forKey: .itemIndices)
        try container.encode(values, forKey: .values)
        try container.encodeIfPresent(timestamps, forKey: .timestamps)
    }
}
