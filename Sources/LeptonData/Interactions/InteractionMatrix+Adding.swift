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
        let keepTimestamps = timestamps != nil
        var accumulator = InteractionAccumulator(startingWith: self, keepTimestamps: keepTimestamps)
        for (row, interaction) in interactions.enumerated() {
            try InteractionAccumulator.checkValue(interaction, row: row, scale: ratingScale)
            if keepTimestamps {
                guard let time = interaction.timestamp else {
                    throw InteractionError.missingValue(column: "timestamp", row: row)
                }
                guard time.isFinite else {
                    throw InteractionError.nonFiniteValue(column: "timestamp", row: row, value: time)
                }
            }
            try accumulator.add(interaction, row: row, duplicates: duplicates)
        }
        return InteractionMatrix(
            users: accumulator.users.map, items: accumulator.items.map, ratingScale: ratingScale,
            entries: accumulator.entries, hasTimestamps: keepTimestamps)
    }
}
