/// A sparse user×item matrix of ratings or implicit interaction strengths, stored by rows (CSR) with a column
/// view (CSC), plus the two-way id maps.
///
/// Users and items get dense indices in order of first appearance. Row `u` holds user `u`'s interactions sorted
/// by item index: entries `rowOffsets[u]..<rowOffsets[u + 1]` of ``itemIndices``, ``values`` and, when known,
/// ``timestamps``. The column view holds the same entries by item, sorted by user index: entries
/// `columnOffsets[i]..<columnOffsets[i + 1]` of ``columnUserIndices`` and ``columnValues``.
///
/// Splits (``randomSplitPerUser(testFraction:seed:)``, ``leaveLastOut(count:)``, ``temporalSplit(cutoff:)``)
/// return matrices with the same id maps, so an index means the same user or item on both sides.
public struct InteractionMatrix: Sendable, Equatable {
    /// The user ids; row `u` is user `users.id(at: u)`.
    public let users: IDMap
    /// The item ids; column `i` is item `items.id(at: i)`.
    public let items: IDMap
    /// The declared rating scale, when ratings were checked against one.
    public let ratingScale: ClosedRange<Double>?
    /// CSR row offsets, `userCount + 1` of them.
    public let rowOffsets: [Int]
    /// CSR item indices, ascending within each row.
    public let itemIndices: [Int32]
    /// CSR values (ratings or strengths), aligned with ``itemIndices``.
    public let values: [Double]
    /// CSR timestamps aligned with ``itemIndices``, or `nil` when the data has none.
    public let timestamps: [Double]?
    /// CSC column offsets, `itemCount + 1` of them.
    public let columnOffsets: [Int]
    /// CSC user indices, ascending within each column.
    public let columnUserIndices: [Int32]
    /// CSC values, aligned with ``columnUserIndices``.
    public let columnValues: [Double]

    /// One entry before compression: dense indices, value, timestamp.
    struct Entry {
        var user: Int
        var item: Int
        var value: Double
        var timestamp: Double?
    }

    /// Builds the CSR and CSC arrays from entries with distinct (user, item) pairs.
    init(users: IDMap, items: IDMap, ratingScale: ClosedRange<Double>?, entries: [Entry], hasTimestamps: Bool) {
        let sorted = entries.sorted { ($0.user, $0.item) < ($1.user, $1.item) }
        var rowOffsets = [Int](repeating: 0, count: users.count + 1)
        for entry in sorted { rowOffsets[entry.user + 1] += 1 }
        for u in 0..<users.count { rowOffsets[u + 1] += rowOffsets[u] }
        self.users = users
        self.items = items
        self.ratingScale = ratingScale
        self.rowOffsets = rowOffsets
        self.itemIndices = sorted.map { Int32($0.item) }
        self.values = sorted.map(\.value)
        self.timestamps = hasTimestamps ? sorted.map { $0.timestamp ?? 0 } : nil
        var columnOffsets = [Int](repeating: 0, count: items.count + 1)
        for entry in sorted { columnOffsets[entry.item + 1] += 1 }
        for i in 0..<items.count { columnOffsets[i + 1] += columnOffsets[i] }
        var next = columnOffsets
        var columnUsers = [Int32](repeating: 0, count: sorted.count)
        var columnValues = [Double](repeating: 0, count: sorted.count)
        // Entries are sorted by user, so each column receives its users in ascending order.
        for entry in sorted {
            columnUsers[next[entry.item]] = Int32(entry.user)
            columnValues[next[entry.item]] = entry.value
            next[entry.item] += 1
        }
        self.columnOffsets = columnOffsets
        self.columnUserIndices = columnUsers
        self.columnValues = columnValues
    }

    /// Builds a matrix from interactions with external ids.
    ///
    /// - Parameters:
    ///   - interactions: The interactions; row numbers in errors are positions in this array.
    ///   - ratingScale: When given, every value must lie in it.
    ///   - duplicates: What to do with a repeated user–item pair (see ``DuplicateInteractionPolicy``).
    /// - Throws: ``InteractionError/emptyInput``, ``InteractionError/nonFiniteValue(column:row:value:)``,
    ///   ``InteractionError/ratingOutOfScale(rating:row:scale:)`` or
    ///   ``InteractionError/duplicateInteraction(user:item:firstRow:secondRow:)``.
    public init(
        interactions: [Interaction], ratingScale: ClosedRange<Double>? = nil,
        duplicates: DuplicateInteractionPolicy = .reject
    ) throws {
        guard !interactions.isEmpty else { throw InteractionError.emptyInput }
        var accumulator = InteractionAccumulator(keepTimestamps: true)
        var anyTimestamp = false
        for (row, interaction) in interactions.enumerated() {
            try InteractionAccumulator.checkValue(interaction, row: row, scale: ratingScale)
            if let time = interaction.timestamp {
                guard time.isFinite else {
                    throw InteractionError.nonFiniteValue(column: "timestamp", row: row, value: time)
                }
                anyTimestamp = true
            }
            try accumulator.add(interaction, row: row, duplicates: duplicates)
        }
        if anyTimestamp, let row = interactions.firstIndex(where: { $0.timestamp == nil }) {
            throw InteractionError.missingValue(column: "timestamp", row: row)
        }
        self.init(
            users: accumulator.users.map, items: accumulator.items.map, ratingScale: ratingScale,
            entries: accumulator.entries, hasTimestamps: anyTimestamp)
    }

    /// The number of users (rows).
    public var userCount: Int { users.count }
    /// The number of items (columns).
    public var itemCount: Int { items.count }
    /// The number of stored interactions.
    public var interactionCount: Int { itemIndices.count }

    /// The mean of all stored values (0 for an empty matrix).
    public var globalMean: Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The item indices user `user` interacted with, ascending.
    /// - Parameter user: A dense user index.
    public func items(ofUser user: Int) -> ArraySlice<Int32> { itemIndices[rowOffsets[user]..<rowOffsets[user + 1]] }

    /// The values of user `user`'s interactions, aligned with ``items(ofUser:)``.
    /// - Parameter user: A dense user index.
    public func values(ofUser user: Int) -> ArraySlice<Double> { values[rowOffsets[user]..<rowOffsets[user + 1]] }

    /// The user indices that interacted with item `item`, ascending.
    /// - Parameter item: A dense item index.
    public func users(ofItem item: Int) -> ArraySlice<Int32> {
        columnUserIndices[columnOffsets[item]..<columnOffsets[item + 1]]
    }

    /// The values of item `item`'s interactions, aligned with ``users(ofItem:)``.
    /// - Parameter item: A dense item index.
    public func values(ofItem item: Int) -> ArraySlice<Double> {
        columnValues[columnOffsets[item]..<columnOffsets[item + 1]]
    }

    /// The stored value for (user, item), or `nil` when they did not interact.
    /// - Parameters:
    ///   - user: A dense user index.
    ///   - item: A dense item index.
    public func value(user: Int, item: Int) -> Double? {
        var low = rowOffsets[user]
        var high = rowOffsets[user + 1]
        let target = Int32(item)
        while low < high {
            let middle = (low + high) / 2
            if itemIndices[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low < rowOffsets[user + 1] && itemIndices[low] == target ? values[low] : nil
    }

    /// The dense index of user `id`.
    /// - Throws: ``InteractionError/unknownUser(_:)``.
    public func userIndex(of id: String) throws -> Int {
        guard let index = users.index(of: id) else { throw InteractionError.unknownUser(id) }
        return index
    }

    /// The dense index of item `id`.
    /// - Throws: ``InteractionError/unknownItem(_:)``.
    public func itemIndex(of id: String) throws -> Int {
        guard let index = items.index(of: id) else { throw InteractionError.unknownItem(id) }
        return index
    }

    /// Every stored entry, user by user.
    func entries() -> [Entry] {
        var result: [Entry] = []
        result.reserveCapacity(interactionCount)
        for user in 0..<userCount {
            for position in rowOffsets[user]..<rowOffsets[user + 1] {
                result.append(
                    Entry(
                        user: user, item: Int(itemIndices[position]), value: values[position],
                        timestamp: timestamps?[position]))
            }
        }
        return result
    }

    /// Two matrices with the same id maps: the entries at CSR positions where `isTest` is true, and the others.
    func partitioned(isTest: [Bool]) -> InteractionSplit {
        let all = entries()
        var train: [Entry] = []
        var test: [Entry] = []
        for (position, entry) in all.enumerated() {
            if isTest[position] { test.append(entry) } else { train.append(entry) }
        }
        let hasTimestamps = timestamps != nil
        return InteractionSplit(
            train: InteractionMatrix(
                users: users, items: items, ratingScale: ratingScale, entries: train, hasTimestamps: hasTimestamps),
            test: InteractionMatrix(
                users: users, items: items, ratingScale: ratingScale, entries: test, hasTimestamps: hasTimestamps))
    }
}
