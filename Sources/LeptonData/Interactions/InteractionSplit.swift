/// A train/test partition of an ``InteractionMatrix``; both sides share the original id maps.
public struct InteractionSplit: Sendable, Equatable {
    /// The interactions to fit on.
    public let train: InteractionMatrix
    /// The held-out interactions.
    public let test: InteractionMatrix
}
