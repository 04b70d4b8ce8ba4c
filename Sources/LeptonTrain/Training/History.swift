/// What happened in each epoch of training: the loss and metrics on the training and validation data.
public struct History: Sendable, Codable {
    /// One epoch's values, keyed like Keras (`loss`, `accuracy`, `val_loss`, `val_accuracy`, `lr`, …).
    public struct Epoch: Sendable, Codable {
        /// The 0-based epoch index.
        public var index: Int
        /// The values.
        public var values: [String: Double]
        /// Seconds the epoch took.
        public var seconds: Double
    }

    /// The epochs, in order.
    public var epochs: [Epoch] = []

    /// Creates an empty history.
    public init() {}

    /// The values of `key` per epoch (missing values skipped).
    ///
    /// - Parameter key: A log key such as `val_loss`.
    public subscript(key: String) -> [Double] {
        epochs.compactMap { $0.values[key] }
    }

    /// The keys present in any epoch, sorted.
    public var keys: [String] {
        Set(epochs.flatMap { $0.values.keys }).sorted()
    }
}
