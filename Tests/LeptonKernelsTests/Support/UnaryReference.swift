import Foundation

@testable import LeptonKernels

/// Double-precision truths for every ``UnaryOperation``: its value and its derivative.
enum UnaryReference {
    static func value(_ operation: UnaryOperation, _ x: Double) -> Double {
        switch operation {
        case .negate: return -x
        case .abs: return Swift.abs(x)
        case .square: return x * x
        case .sqrt: return x.squareRoot()
        case .rsqrt: return 1 / x.squareRoot()
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .relu: return Swift.max(x, 0)
        case .leakyRelu(let slope): return x > 0 ? x : Double(slope) * x
        case .elu(let alpha): return x > 0 ? x : Double(alpha) * Foundation.expm1(x)
        case .geluErf: return 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot())
        case .geluTanh:
            return 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .silu: return x / (1 + Foundation.exp(-x))
        case .softplus: return Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
        case .power(let p): return Foundation.pow(x, Double(p))
        case .clamp(let low, let high): return Swift.min(Swift.max(x, Double(low)), Double(high))
        case .reciprocal: return 1 / x
        }
    }

    static func derivative(_ operation: UnaryOperation, _ x: Double) -> Double {
        let sigmoid = 1 / (1 + Foundation.exp(-x))
        switch operation {
        case .negate: return -1
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .square: return 2 * x
        case .sqrt: return 0.5 / x.squareRoot()
        case .rsqrt: return -0.5 * Foundation.pow(x, -1.5)
        case .exp: return Foundation.exp(x)
        case .log: return 1 / x
        case .tanh: return 1 - Foundation.tanh(x) * Foundation.tanh(x)
        case .sigmoid: return sigmoid * (1 - sigmoid)
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu(let slope): return x > 0 ? 1 : Double(slope)
        case .elu(let alpha): return x > 0 ? 1 : Double(alpha) * Foundation.exp(x)
        case .geluErf:
            return 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) + x * Foundation.exp(-x * x / 2)
                / (2 * Double.pi).squareRoot()
        case .geluTanh:
            let k = (2 / Double.pi).squareRoot()
            let t = Foundation.tanh(k * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        case .silu: return sigmoid * (1 + x * (1 - sigmoid))
        case .softplus: return sigmoid
        case .power(let p): return p == 0 ? 0 : Double(p) * Foundation.pow(x, Double(p) - 1)
        case .clamp(let low, let high): return x >= Double(low) && x <= Double(high) ? 1 : 0
        case .reciprocal: return -1 / (x * x)
        }
    }

    /// Every operation, with parameters where it has them, and inputs away from its kinks and poles.
    static let cases: [(UnaryOperation, ClosedRange<Float>, [Float])] = [
        (.negate, -3...3, []), (.abs, -3...3, [0.05]), (.square, -3...3, []), (.sqrt, 0.2...4, []),
        (.rsqrt, 0.2...4, []), (.exp, -5...5, []), (.log, 0.2...5, []), (.tanh, -4...4, []),
        (.sigmoid, -6...6, []), (.relu, -3...3, [0.05]), (.leakyRelu(slope: 0.1), -3...3, [0.05]),
        (.elu(alpha: 1.5), -3...3, [0.05]), (.geluErf, -5...5, []), (.geluTanh, -5...5, []), (.silu, -5...5, []),
        (.softplus, -6...6, []), (.power(2.5), 0.2...3, []), (.power(3), -2...2, []), (.power(-1.5), 0.3...3, []),
        (.power(0.5), 0.2...3, []), (.power(-2), 0.3...2, []), (.power(-3), -2 ... -0.3, []), (.power(0), -2...2, []),
        (.clamp(min: -0.5, max: 0.8), -2...2, [-0.5, 0.8]), (.reciprocal, 0.3...3, []),
    ]

    /// `cases` with the inputs drawn: values in the range, none within 0.06 of the listed kinks.
    static func inputs(_ range: ClosedRange<Float>, avoiding kinks: [Float], count: Int, seed: UInt64) -> [Float] {
        var random = TestRandom(seed: seed)
        var values: [Float] = []
        while values.count < count {
            let value = random.float(in: range)
            let nearKink =
                kinks.contains { Swift.abs($0 - value) < 0.06 } || (kinks.contains(0.05) && Swift.abs(value) < 0.06)
            if !nearKink { values.append(value) }
        }
        return values
    }
}
