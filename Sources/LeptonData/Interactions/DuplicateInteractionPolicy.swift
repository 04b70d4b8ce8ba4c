/// What building an ``InteractionMatrix`` does when the same user–item pair appears more than once.
public enum DuplicateInteractionPolicy: String, Sendable, Codable, CaseIterable {
    /// Throw ``InteractionError/duplicateInteraction(user:item:firstRow:secondRow:)`` naming both rows (the default:
    /// a rating data set with duplicates is usually a join gone wrong).
    case reject
    /// Keep the value and timestamp of the later row (a user who re-rated an item).
    case keepLast
    /// Add the values and keep the latest timestamp (implicit counts: plays, clicks, purchases).
    case sum
}
