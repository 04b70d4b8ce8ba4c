// The settings checks of the recurrent layers (`Layer.checkSettings`); every other layer keeps its check in its own
// file. Each refuses, with an ArchitectureError, exactly the values its `init(configuration:)` treats as programmer
// errors, so that decoding a model file never traps.

extension LSTM {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.units, "units")
    }
}

extension GRU {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.units, "units")
    }
}

extension Bidirectional {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.units, "units")
    }
}
