import Foundation

/// A seeded generator for test data, so every failure reproduces.
struct TestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A uniform draw in (0, 1).
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// A normal draw (Box–Muller).
    mutating func normal(mean: Double = 0, deviation: Double = 1) -> Double {
        let radius = (-2 * log(unit())).squareRoot()
        return mean + deviation * radius * cos(2 * Double.pi * unit())
    }

    /// A category drawn with the given weights.
    mutating func category(_ categories: [String], weights: [Double]) -> String {
        var draw = unit() * weights.reduce(0, +)
        for (category, weight) in zip(categories, weights) {
            draw -= weight
            if draw < 0 { return category }
        }
        return categories[categories.count - 1]
    }
}

/// The URL of a file in this target's Resources folder.
func resourceURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources").appendingPathComponent(name)
}

/// A fresh, empty temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-deploy-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Whether `actual` is within `absolute + relative·|expected|` of `expected`.
func isClose(_ actual: Double, _ expected: Double, relative: Double = 1e-10, absolute: Double = 1e-12) -> Bool {
    abs(actual - expected) <= absolute + relative * abs(expected)
}
