/// A (user, item) pair with no observed interaction, drawn as a negative example.
public struct NegativeSample: Sendable, Equatable, Hashable {
    /// The dense user index.
    public let user: Int
    /// The dense item index the user did not interact with.
    public let item: Int
}
