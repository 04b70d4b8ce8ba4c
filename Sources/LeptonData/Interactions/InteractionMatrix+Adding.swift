extension InteractionMatrix {
    /// This matrix with more interactions: known ids keep their indices, new user and item ids get the next indices
    /// in order of first appearance, so a model fitted on this matrix can be updated in place (`partialFit`).
    ///
    /// A pair already stored, or repeated within `interactions`, is handled by `duplicates`; ``DuplicateInteractionPolicy/sum``
    /// adds to the stored value. Timestamps are kept only when this matrix has them and every new interaction has one.
    ///
    /// - Parameters:
    ///   - interactions: The new interactions; row numbers in errors are positions in this array.
    ///   - duplicates: What to do with a pair that is already stored or repeated.
    /// - Returns: The combined matrix.
    /// - Throws: ``InteractionError/emptyInput``, ``InteractionError/nonFiniteValue(column:row:value:)``,
    ///   ``InteractionError/ratingOutOfScale(rating:row:scale:)`` against this matrix's scale,
    ///   ``InteractionError/duplicateInteraction(user:item:firstRow:secondRow:)`` (`firstRow` is -1 for a pair that
    ///   was already stored) or ``InteractionError/missingValue(column:row:)`` for a missing timestamp.
    public func adding(_ interactions: [Interaction], duplicates: DuplicateInteractionPolicy = .reject) throws
        -> InteractionMatrix
    {
        guard !interactions.isEmpty else { throw InteractionError.emptyInput }
        var userBuilder = IDMapBuilder()
        for id in users.ids { _ = userBuilder.intern(id) }
        var itemBuilder = IDMapBuilder()
        for id in items.ids { _ = itemBuilder.intern(id) }
        var all = entries()
        var positionOfPair: [Int64: (entry: Int, row: Int)] = [:]
        for (position, entry) in all.enumerated() {
            positionOfPair[Int64(entry.user) << 32 | Int64(entry.item)] = (position, -1)
        }
        let keepTimestamps = timestamps != nil
        for (row, interaction) in interactions.enumerated() {
            guard interaction.value.isFinite else {
                throw InteractionError.nonFiniteValue(column: "rating", row: row, value: interaction.value)
            }
            if let scale = ratingScale, !scale.contains(interaction.value) {
                throw InteractionError.ratingOutOfScale(rating: interaction.value, row: row, scale: scale)
            }
            if keepTimestamps {
                guard let time = interaction.timestamp else {
                    throw InteractionError.missingValue(column: "timestamp", row: row)
                }
                guard time.isFinite else {
                    throw InteractionError.nonFiniteValue(column: "timestamp", row: row, value: time)
                }
            }
            let user = userBuilder.intern(interaction.user)
            let item = itemBuilder.intern(interaction.item)
            let key = Int64(user) << 32 | Int64(item)
            if let previous = positionOfPair[key] {
                switch duplicates {
                case .reject:
                    throw InteractionError.duplicateInteraction(
                        user: interaction.user, item: interaction.item, firstRow: previous.row, secondRow: row)
                case .keepLast:
                    all[previous.entry].value = interaction.value
                    all[previous.entry].timestamp = keepTimestamps ? interaction.timestamp : nil
                case .sum:
                    all[previous.entry].value += interaction.value
                    if keepTimestamps, let time = interaction.timestamp {
                        all[previous.entry].timestamp = max(all[previous.entry].timestamp ?? time, time)
                    }
                }
                positionOfPair[key] = (previous.entry, row)
            } else {
                positionOfPair[key] = (all.count, row)
                all.append(
                    Entry(
                        user: user, item: item, value: interaction.value,
                        timestamp: keepTimestamps ? interaction.timestamp : nil))
            }
        }
        return InteractionMatrix(
            users: userBuilder.map, items: itemBuilder.map, ratingScale: ratingScale, entries: all,
            hasTimestamps: keepTimestamps)
    }
}
