// The settings checks of the built-in layers (`Layer.checkSettings`): each refuses, with an ArchitectureError, exactly
// the values its `init(configuration:)` treats as programmer errors, so that decoding a model file never traps.

extension Dense {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.units, "units")
    }
}

extension Conv2D {
    /// Refuses a filter count below 1 and kernel sizes, strides or dilations without exactly two values.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.filters, "filters")
        for (name, values) in [
            ("kernelSize", configuration.kernelSize), ("strides", configuration.strides),
            ("dilation", configuration.dilation),
        ] where values.count != 2 {
            throw ArchitectureError("\(name) needs two values, got \(values)")
        }
    }
}

extension Embedding {
    /// Refuses sizes below 1 and a padding index that is not a valid id.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.vocabularySize > 0, configuration.dimension > 0 else {
            throw ArchitectureError(
                "vocabularySize and dimension must be positive, got \(configuration.vocabularySize) and "
                    + "\(configuration.dimension)")
        }
        if let padding = configuration.paddingIndex, !(0..<configuration.vocabularySize).contains(padding) {
            throw ArchitectureError("paddingIndex \(padding) is not in 0..<\(configuration.vocabularySize)")
        }
    }
}

extension BatchNorm {
    /// Refuses a momentum outside [0, 1] (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.momentum >= 0, configuration.momentum <= 1 else {
            throw ArchitectureError("momentum must be in [0, 1], got \(configuration.momentum)")
        }
    }
}

extension Dropout {
    /// Refuses a rate outside [0, 1) (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.rate >= 0, configuration.rate < 1 else {
            throw ArchitectureError("rate must be in [0, 1), got \(configuration.rate)")
        }
    }
}

extension PositionalEmbedding {
    /// Refuses a maximum length below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.maximumLength, "maximumLength")
    }
}

extension MultiHeadAttention {
    /// Refuses a head count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.heads, "heads")
    }
}

extension TransformerEncoderLayer {
    /// Refuses head and feed-forward sizes below 1 and a dropout rate outside [0, 1) (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.heads > 0, configuration.feedForwardSize > 0 else {
            throw ArchitectureError(
                "heads and feedForwardSize must be positive, got \(configuration.heads) and "
                    + "\(configuration.feedForwardSize)")
        }
        guard configuration.dropout >= 0, configuration.dropout < 1 else {
            throw ArchitectureError("dropout must be in [0, 1), got \(configuration.dropout)")
        }
    }
}

extension TransformerDecoderBlock {
    /// Checks the block's encoder-layer settings.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try TransformerEncoderLayer.checkSettings(configuration.encoder)
    }
}

/// Refuses a count below 1 — the setting most layers check.
///
/// - Parameters:
///   - value: The setting's value.
///   - name: The setting's name, for the message.
/// - Throws: ``ArchitectureError`` naming the setting and its value.
private func requirePositive(_ value: Int, _ name: String) throws(ArchitectureError) {
    guard value > 0 else { throw ArchitectureError("\(name) must be positive, got \(value)") }
}
