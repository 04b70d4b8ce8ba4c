import Foundation
import Testing

@testable import LeptonKernels

/// Applies a vector function to an array, eight lanes at a time.
private func mapVector(_ values: [Float], _ f: (SIMD8<Float>) -> SIMD8<Float>) -> [Float] {
    var result = [Float](repeating: 0, count: values.count)
    for start in stride(from: 0, to: values.count, by: 8) {
        var lanes = SIMD8<Float>()
        for lane in 0..<min(8, values.count - start) { lanes[lane] = values[start + lane] }
        let mapped = f(lanes)
        for lane in 0..<min(8, values.count - start) { result[start + lane] = mapped[lane] }
    }
    return result
}

/// The worst error of `actual` against `expected`, in units of `relative·|expected| + absolute`
/// (≤ 1 passes); NaN must match NaN, infinities must match exactly.
private func worstError(
    _ inputs: [Float], _ actual: [Float], _ expected: (Double) -> Double, relative: Double, absolute: Double = 0
) -> (ratio: Double, input: Float) {
    var worst = (ratio: 0.0, input: Float.nan)
    for (x, value) in zip(inputs, actual) {
        let truth = expected(Double(x))
        let ratio: Double
        if truth.isNaN || value.isNaN {
            ratio = truth.isNaN && value.isNaN ? 0 : .infinity
        } else if truth.isInfinite || Float(truth).isInfinite {
            ratio = Double(value) == Double(Float(truth)) ? 0 : .infinity
        } else {
            ratio = abs(Double(value) - truth) / (relative * abs(truth) + absolute)
        }
        if ratio > worst.ratio { worst = (ratio, x) }
    }
    return worst
}

/// Values spread over `range`, plus the given special values.
private func samples(_ range: ClosedRange<Float>, count: Int, seed: UInt64, extra: [Float] = []) -> [Float] {
    var random = TestRandom(seed: seed)
    return random.floats(count, in: range) + extra
}

private let specials: [Float] = [
    0, -0.0, .infinity, -.infinity, .nan, 1e-30, -1e-30, Float(bitPattern: 0x0001_16C2),
    -Float(bitPattern: 0x0001_16C2),
]

@Suite("Vectorised exp, log, tanh, sigmoid, erf against the double-precision library")
struct VectorMathTests {
    @Test("exp over its whole range, overflow, underflow and subnormal results")
    func exponential() {
        let inputs = samples(-104...89, count: 6000, seed: 1, extra: specials + [88.72, 88.73, -87.3, -103.9, -100])
        let actual = mapVector(inputs) { VectorMath.exp($0) }
        // Subnormal results carry an absolute error of about one subnormal ulp.
        let worst = worstError(inputs, actual, Foundation.exp, relative: 2e-7, absolute: 3e-45)
        #expect(worst.ratio <= 1, "exp worst at \(worst.input): \(worst.ratio)")
        let small = samples(-1...1, count: 2000, seed: 2)
        let smallWorst = worstError(small, mapVector(small) { VectorMath.exp($0) }, Foundation.exp, relative: 2e-7)
        #expect(smallWorst.ratio <= 1, "exp worst at \(smallWorst.input): \(smallWorst.ratio)")
    }

    @Test("expm1 is accurate near zero")
    func exponentialMinusOne() {
        let inputs =
            samples(-20...20, count: 3000, seed: 3, extra: specials + [1e-7, -1e-7, 0.3, -0.3])
            + samples(-0.01...0.01, count: 1000, seed: 4)
        let worst = worstError(inputs, mapVector(inputs) { VectorMath.expm1($0) }, Foundation.expm1, relative: 3e-7)
        #expect(worst.ratio <= 1, "expm1 worst at \(worst.input): \(worst.ratio)")
    }

    @Test("log over every binade, subnormals, zero and negatives")
    func logarithm() {
        var random = TestRandom(seed: 5)
        // Random positive bit patterns cover subnormals through the largest finite float.
        var inputs = (0..<6000).map { _ in Float(bitPattern: UInt32(random.next() % 0x7F80_0000)) }
        inputs += samples(0.5...2, count: 2000, seed: 6) + specials + [1, -1, 1.000_000_1, 0.999_999_9]
        let worst = worstError(
            inputs, mapVector(inputs) { VectorMath.log($0) }, { $0 < 0 ? .nan : Foundation.log($0) }, relative: 2e-7,
            absolute: 1e-45)
        #expect(worst.ratio <= 1, "log worst at \(worst.input): \(worst.ratio)")
    }

    @Test("tanh, sigmoid and log1p")
    func hyperbolic() {
        let inputs =
            samples(-12...12, count: 4000, seed: 7, extra: specials + [9, 10, 11, -9.5, 0.25, -0.6])
            + samples(-1...1, count: 1000, seed: 8)
        let tanhWorst = worstError(inputs, mapVector(inputs) { VectorMath.tanh($0) }, Foundation.tanh, relative: 3e-7)
        #expect(tanhWorst.ratio <= 1, "tanh worst at \(tanhWorst.input): \(tanhWorst.ratio)")
        let wide = samples(-100...100, count: 2000, seed: 9) + inputs
        let sigmoidWorst = worstError(
            wide, mapVector(wide) { VectorMath.sigmoid($0) }, { 1 / (1 + Foundation.exp(-$0)) }, relative: 3e-7,
            absolute: 3e-45)
        #expect(sigmoidWorst.ratio <= 1, "sigmoid worst at \(sigmoidWorst.input): \(sigmoidWorst.ratio)")
        let positive = samples(0...50, count: 1000, seed: 10, extra: [1e-30, 1e-8, 0, .infinity])
        let log1pWorst = worstError(
            positive, mapVector(positive) { VectorMath.log1pNonNegative($0) }, Foundation.log1p, relative: 3e-7)
        #expect(log1pWorst.ratio <= 1, "log1p worst at \(log1pWorst.input): \(log1pWorst.ratio)")
    }

    @Test("erf, and the normal CDF in its far tail")
    func errorFunction() {
        let inputs =
            samples(-6...6, count: 4000, seed: 11, extra: specials + [1, -1, 4, 3.9])
            + samples(-1.2...1.2, count: 1000, seed: 12)
        let worst = worstError(
            inputs, mapVector(inputs) { VectorMath.erf($0) }, Foundation.erf, relative: 3e-7, absolute: 1.2e-7)
        #expect(worst.ratio <= 1, "erf worst at \(worst.input): \(worst.ratio)")
        let tail = samples(-14.5...6, count: 3000, seed: 13, extra: [-1.4142135, 1.4142135, -14, .nan])
        let cdfWorst = worstError(
            tail, mapVector(tail) { VectorMath.twiceNormalCDF($0) }, { Foundation.erfc(-$0 / 2.0.squareRoot()) },
            relative: 1e-6, absolute: 3e-45)
        #expect(cdfWorst.ratio <= 1, "2Φ worst at \(cdfWorst.input): \(cdfWorst.ratio)")
    }

    @Test("power of positive and negative bases")
    func power() {
        var random = TestRandom(seed: 14)
        for _ in 0..<400 {
            let base = random.float(in: -4...4)
            let exponent = random.int(in: 0..<2) == 0 ? Float(random.int(in: -5..<6)) : random.float(in: -3...3)
            let actual = VectorMath.power(SIMD8(repeating: base), SIMD8(repeating: exponent))[0]
            let truth = Foundation.pow(Double(base), Double(exponent))
            if truth.isNaN {
                #expect(actual.isNaN, "pow(\(base), \(exponent))")
            } else {
                let tolerance = 2e-7 * (2 + abs(Double(exponent) * Foundation.log(abs(Double(base))))) * abs(truth)
                #expect(abs(Double(actual) - truth) <= tolerance, "pow(\(base), \(exponent)) = \(actual) vs \(truth)")
            }
        }
        let zero = VectorMath.power(SIMD8(repeating: 0), SIMD8(repeating: -1.5))[0]
        #expect(zero == .infinity)
        #expect(VectorMath.power(SIMD8(repeating: .nan), SIMD8(repeating: 0))[0] == 1)
    }
}
