/// Collects interactions into distinct (user, item) entries, interning ids in order of first appearance and
/// resolving repeated pairs by a ``DuplicateInteractionPolicy``: the one merge behind
/// ``InteractionMatrix/init(interactions:ratingScale:duplicates:)`` and ``InteractionMatrix/adding(_:duplicates:)``.
struct InteractionAccumulator {
    var users = IDMapBuilder()
    var items = IDMapBuilder()
    private(set) var entries: [InteractionMatrix.Entry] = []
    /// Where each pair's entry is and which input row gave it (-1 for an entry that was there before).
    private var positionOfPair: [Int64: (entry: Int, row: Int)] = [:]
    /// Whether entries keep timestamps.
    let keepTimestamps: Bool

    /// An empty accumulator.
    ///
    /// - Parameter keepTimestamps: Whether entries keep the interactions' timestamps.
    init(keepTimestamps: Bool) { self.keepTimestamps = keepTimestamps }

    /// An accumulator that starts from `matrix`'s ids and entries, which keep their indices.
    ///
    /// - Parameters:
    ///   - matrix: The stored interactions.
    ///   - keepTimestamps: Whether entries keep timestamps.
    init(startingWith matrix: InteractionMatrix, keepTimestamps: Bool) {
        self.keepTimestamps = keepTimestamps
        for id in matrix.users.ids { _ = users.intern(id) }
        for id in matrix.items.ids { _ = items.intern(id) }
        entries = matrix.entries()
        for (position, entry) in entries.enumerated() {
            positionOfPair[Self.key(entry.user, entry.item)] = (position, -1)
        }
    }

    /// Refuses a non-finite value, or one outside `scale`.
    ///
    /// - Parameters:
    ///   - interaction: The interaction.
    ///   - row: Its position in the input, for the message.
    ///   - scale: The rating scale, if any.
    /// - Throws: ``InteractionError/nonFiniteValue(column:row:value:)`` or
    ///   ``InteractionError/ratingOutOfScale(rating:row:scale:)``.
    static func checkValue(_ interaction: Interaction, row: Int, scale: ClosedRange<Double>?) throws {
        guard interaction.value.isFinite else {
            throw InteractionError.nonFiniteValue(column: "rating", row: row, value: interaction.value)
        }
        if let scale, !scale.contains(interaction.value) {
            throw InteractionError.ratingOutOfScale(rating: interaction.value, row: row, scale: scale)
        }
    }

    /// Adds one interaction: a new pair becomes an entry; a pair seen before is rejected, replaced or summed.
    ///
    /// - Parameters:
    ///   - interaction: The (already checked) interaction.
    ///   - row: Its position in the input.
    ///   - duplicates: What to do when the pair is already there.
    /// - Throws: ``InteractionError/duplicateInteraction(user:item:firstRow:secondRow:)`` under
    ///   ``DuplicateInteractionPolicy/reject``.
    mutating func add(_ interaction: Interaction, row: Int, duplicates: DuplicateInteractionPolicy) throws {
        let user = users.intern(interaction.user)
        let item = items.intern(interaction.item)
        let key = Self.key(user, item)
        let timestamp = keepTimestamps ? interaction.timestamp : nil
        guard let previous = positionOfPair[key] else {
            positionOfPair[key] = (entries.count, row)
            entries.append(
                InteractionMatrix.Entry(user: user, item: item, value: interaction.value, timestamp: timestamp))
            return
        }
        switch duplicates {
        case .reject:
            throw InteractionError.duplicateInteraction(
                user: interaction.user, item: interaction.item, firstRow: previous.row, secondRow: row)
        case .keepLast:
            entries[previous.entry].value = interaction.value
            entries[previous.entry].timestamp = timestamp
        case .sum:
            entries[previous.entry].value += interaction.value
            if let time = timestamp {
                entries[previous.entry].timestamp = max(entries[previous.entry].timestamp ?? time, time)
            }
        }
        positionOfPair[key] = (previous.entry, row)
    }

    private static func key(_ user: Int, _ item: Int) -> Int64 { Int64(user) << 32 | Int64(item) }
}
