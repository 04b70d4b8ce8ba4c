/// Shared argument checks for the recommenders' configurations.
enum RecommenderValidation {
    static func positive(_ value: Double, _ name: String) throws {
        guard value > 0, value.isFinite else {
            throw RecommenderError.invalidParameter(name: name, value: value, expected: "a finite value > 0")
        }
    }

    static func nonNegative(_ value: Double, _ name: String) throws {
        guard value >= 0, value.isFinite else {
            throw RecommenderError.invalidParameter(name: name, value: value, expected: "a finite value ≥ 0")
        }
    }

    static func atLeast(_ value: Int, _ minimum: Int, _ name: String) throws {
        guard value >= minimum else {
            throw RecommenderError.invalidParameter(name: name, value: Double(value), expected: "at least \(minimum)")
        }
    }
}
