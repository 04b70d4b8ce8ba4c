import Foundation
import LeptonTensor

/// One hyperparameter to search over: a key path of the estimator and the values (grid and random search) or the
/// range (random search) it may take.
///
/// ```swift
/// let grid: [Hyperparameter<LogisticRegression>] = [
///     .values(\.c, [0.01, 0.1, 1, 10]),
///     .values(\.classWeight, [.uniform, .balanced], name: "classWeight"),
/// ]
/// let space: [Hyperparameter<Ridge>] = [.logUniform(\.alpha, 1e-3...1e3)]
/// ```
public struct Hyperparameter<Model> {
    /// The name shown in results.
    public let name: String
    let domain: Domain

    enum Domain {
        /// A finite list: how many, how to show one, how to set one.
        case finite(count: Int, describe: (Int) -> String, apply: (inout Model, Int) -> Void)
        /// A continuous or integer range: draw one, set it, and return how to show it.
        case sampled(draw: (inout RandomGenerator, inout Model) -> String)
    }

    /// A finite list of values.
    ///
    /// - Parameters:
    ///   - keyPath: The property to set.
    ///   - values: The values to try.
    ///   - name: The name in results (default: the property name).
    /// - Returns: The hyperparameter.
    public static func values<Value>(_ keyPath: WritableKeyPath<Model, Value>, _ values: [Value], name: String? = nil)
        -> Hyperparameter
    {
        Hyperparameter(
            name: name ?? propertyName(keyPath),
            domain: .finite(
                count: values.count, describe: { describe(values[$0]) },
                apply: { model, index in model[keyPath: keyPath] = values[index] }))
    }

    /// A value drawn uniformly from a range (random search only).
    ///
    /// - Parameters:
    ///   - keyPath: The property to set.
    ///   - range: The range.
    ///   - name: The name in results.
    /// - Returns: The hyperparameter.
    public static func uniform<Value: BinaryFloatingPoint>(
        _ keyPath: WritableKeyPath<Model, Value>, _ range: ClosedRange<Double>, name: String? = nil
    ) -> Hyperparameter {
        sampled(keyPath, name: name) { range.lowerBound + $0.nextUnitDouble() * (range.upperBound - range.lowerBound) }
    }

    /// A value whose logarithm is drawn uniformly (random search only), for scales such as C or α.
    ///
    /// - Parameters:
    ///   - keyPath: The property to set.
    ///   - range: The range; both ends > 0.
    ///   - name: The name in results.
    /// - Returns: The hyperparameter.
    public static func logUniform<Value: BinaryFloatingPoint>(
        _ keyPath: WritableKeyPath<Model, Value>, _ range: ClosedRange<Double>, name: String? = nil
    ) -> Hyperparameter {
        precondition(range.lowerBound > 0, "Hyperparameter.logUniform: the range \(range) must be positive")
        let (low, high) = (Foundation.log(range.lowerBound), Foundation.log(range.upperBound))
        return sampled(keyPath, name: name) { Foundation.exp(low + $0.nextUnitDouble() * (high - low)) }
    }

    /// An integer drawn uniformly from a range (random search only).
    ///
    /// - Parameters:
    ///   - keyPath: The property to set.
    ///   - range: The range.
    ///   - name: The name in results.
    /// - Returns: The hyperparameter.
    public static func integers(
        _ keyPath: WritableKeyPath<Model, Int>, _ range: ClosedRange<Int>, name: String? = nil
    ) -> Hyperparameter {
        Hyperparameter(
            name: name ?? propertyName(keyPath),
            domain: .sampled { generator, model in
                let value = range.lowerBound + Int(generator.next(upperBound: UInt64(range.count)))
                model[keyPath: keyPath] = value
                return String(value)
            })
    }

    private static func sampled<Value: BinaryFloatingPoint>(
        _ keyPath: WritableKeyPath<Model, Value>, name: String?, draw: @escaping (inout RandomGenerator) -> Double
    ) -> Hyperparameter {
        Hyperparameter(
            name: name ?? propertyName(keyPath),
            domain: .sampled { generator, model in
                let value = draw(&generator)
                model[keyPath: keyPath] = Value(value)
                return describe(value)
            })
    }

    /// `c` for `\LogisticRegression.c`: the text after the type name in the key path's description.
    static func propertyName(_ keyPath: AnyKeyPath) -> String {
        let text = String(describing: keyPath)
        guard let dot = text.firstIndex(of: ".") else { return text }
        return String(text[text.index(after: dot)...])
    }

    static func describe<Value>(_ value: Value) -> String {
        if let number = value as? Double { return String(format: "%g", number) }
        if let number = value as? Float { return String(format: "%g", Double(number)) }
        if let optional = value as? Double?, let number = optional { return String(format: "%g", number) }
        return String(describing: value)
    }
}
