/// One observed interaction between a user and an item, with external ids.
public struct Interaction: Sendable, Equatable {
    /// The user's id.
    public var user: String
    /// The item's id.
    public var item: String
    /// The rating or interaction strength; 1 for a bare implicit interaction.
    public var value: Double
    /// When the interaction happened (any monotone unit, such as Unix seconds), if known.
    public var timestamp: Double?

    /// An interaction.
    /// - Parameters:
    ///   - user: The user's id.
    ///   - item: The item's id.
    ///   - value: The rating or strength (1 for implicit data).
    ///   - timestamp: When it happened, if known.
    public init(user: String, item: String, value: Double = 1, timestamp: Double? = nil) {
        self.user = user
        self.item = item
        self.value = value
        self.timestamp = timestamp
    }
}
