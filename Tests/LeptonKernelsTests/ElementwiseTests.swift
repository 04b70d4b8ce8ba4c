import Foundation
import Testing

@testable import LeptonKernels

private let awkwardCounts = [1, 3, 7, 8, 17, 31, 64, 129]

/// Runs a unary kernel on an array.
private func runUnary(_ operation: UnaryOperation, _ x: [Float], pool: ThreadPool = ThreadPool(threadCount: 1))
    -> [Float]
{
    var y = [Float](repeating: .nan, count: x.count)
    y.withUnsafeMutableBufferPointer { Elementwise.unary(operation, x, $0.baseAddress!, count: x.count, pool: pool) }
    return y
}

/// Runs the backward kernel; `start` is the initial content of dx.
private func runBackward(
    _ operation: UnaryOperation, x: [Float], dy: [Float], start: [Float], accumulate: Bool
) -> [Float] {
    let y = runUnary(operation, x)
    var dx = start
    dx.withUnsafeMutableBufferPointer {
        Elementwise.unaryBackward(
            operation, x: x, y: y, dy: dy, dx: $0.baseAddress!, count: x.count, accumulate: accumulate,
            pool: ThreadPool(threadCount: 1))
    }
    return dx
}

@Suite("Elementwise kernels against scalar references")
struct ElementwiseTests {
    @Test("unary forward matches Double, every operation and awkward count")
    func unaryForward() {
        var seed: UInt64 = 100
        for (operation, range, kinks) in UnaryReference.cases {
            for count in awkwardCounts {
                seed += 1
                let x = UnaryReference.inputs(range, avoiding: kinks, count: count, seed: seed)
                let y = runUnary(operation, x)
                for (input, output) in zip(x, y) {
                    let truth = UnaryReference.value(operation, Double(input))
                    let tolerance = 2e-6 * abs(truth) + 1e-7
                    #expect(
                        abs(Double(output) - truth) <= tolerance, "\(operation)(\(input)) = \(output), want \(truth)")
                }
            }
        }
    }

    @Test("unary forward in place and on extremes")
    func unaryInPlaceAndExtremes() {
        var values: [Float] = [-1e4, -100, -30, -0.5, 0, 0.5, 30, 100, 1e4, .infinity, -.infinity]
        let expected = values.map { Float(UnaryReference.value(.softplus, Double($0))) }
        values.withUnsafeMutableBufferPointer { buffer in
            Elementwise.unary(.softplus, buffer.baseAddress!, buffer.baseAddress!, count: buffer.count)
        }
        #expect(values == expected)
        let extremes: [Float] = [-1e4, -50, 50, 1e4, .nan]
        #expect(runUnary(.sigmoid, extremes)[0...3] == [0, Float(UnaryReference.value(.sigmoid, -50)), 1, 1])
        #expect(runUnary(.tanh, extremes)[0...3] == [-1, -1, 1, 1])
        #expect(runUnary(.geluErf, extremes)[2...3] == [50, 1e4])
        #expect(runUnary(.relu, extremes)[4].isNaN && runUnary(.exp, extremes)[4].isNaN)
        #expect(runUnary(.exp, [100, -200]) == [.infinity, 0])
        #expect(runUnary(.log, [0, -1])[0] == -.infinity && runUnary(.log, [-1])[0].isNaN)
    }

    @Test("unary backward matches the Double derivative, with and without accumulate")
    func unaryBackwardAnalytic() {
        var seed: UInt64 = 500
        for (operation, range, kinks) in UnaryReference.cases {
            for count in [1, 7, 17, 129] {
                seed += 1
                var random = TestRandom(seed: seed)
                let x = UnaryReference.inputs(range, avoiding: kinks, count: count, seed: seed)
                let dy = random.floats(count)
                let start = random.floats(count)
                for accumulate in [false, true] {
                    let dx = runBackward(operation, x: x, dy: dy, start: start, accumulate: accumulate)
                    for index in 0..<count {
                        let derivative = UnaryReference.derivative(operation, Double(x[index]))
                        let truth = Double(dy[index]) * derivative + (accumulate ? Double(start[index]) : 0)
                        let tolerance = 1e-5 * (abs(truth) + abs(derivative)) + 1e-6
                        #expect(
                            abs(Double(dx[index]) - truth) <= tolerance,
                            "\(operation)' at \(x[index]) accumulate \(accumulate): \(dx[index]) vs \(truth)")
                    }
                }
            }
        }
    }

    @Test("unary backward matches central finite differences of the forward kernel")
    func unaryBackwardFiniteDifferences() {
        let step: Float = 1e-2
        var seed: UInt64 = 900
        for (operation, range, kinks) in UnaryReference.cases {
            seed += 1
            var random = TestRandom(seed: seed)
            // Keep x ± step inside the domain and away from kinks.
            let inner = (range.lowerBound + 2 * step)...(range.upperBound - 2 * step)
            let x = UnaryReference.inputs(inner, avoiding: kinks, count: 33, seed: seed)
            let dy = random.floats(33)
            let plus = runUnary(operation, x.map { $0 + step })
            let minus = runUnary(operation, x.map { $0 - step })
            let dx = runBackward(operation, x: x, dy: dy, start: [Float](repeating: 0, count: 33), accumulate: false)
            for index in 0..<33 {
                let slope = (Double(plus[index]) - Double(minus[index])) / Double(2 * step)
                let estimate = Double(dy[index]) * slope
                #expect(
                    abs(Double(dx[index]) - estimate) <= 2e-3 + 1e-2 * abs(estimate),
                    "\(operation)' at \(x[index]): kernel \(dx[index]), finite difference \(estimate)")
            }
        }
    }

    @Test("large buffers split over threads give the same results", arguments: [UnaryOperation.relu, .geluErf])
    func threaded(operation: UnaryOperation) {
        var random = TestRandom(seed: 77)
        let count = operation == .relu ? 3 * 65_536 + 5 : 3 * 8192 + 5
        let x = random.floats(count, in: -4...4)
        let single = runUnary(operation, x)
        let multi = runUnary(operation, x, pool: ThreadPool(threadCount: 3))
        #expect(single == multi)
        #expect(single[count - 1] == Float(UnaryReference.value(operation, Double(x[count - 1]))))
    }

    @Test("binary operations, every stride combination")
    func binary() {
        let operations: [(BinaryOperation, (Double, Double) -> Double)] = [
            (.add, +), (.subtract, -), (.multiply, *), (.divide, /), (.maximum, { Swift.max($0, $1) }),
            (.minimum, { Swift.min($0, $1) }), (.power, { Foundation.pow($0, $1) }),
        ]
        var seed: UInt64 = 1300
        for (operation, reference) in operations {
            for (aStride, bStride) in [(1, 1), (0, 1), (1, 0), (0, 0)] {
                for count in awkwardCounts {
                    seed += 1
                    var random = TestRandom(seed: seed)
                    let positiveBase = operation == .power
                    let a = random.floats(count, in: positiveBase ? 0.2...3 : -3...3)
                    let b = random.floats(count, in: operation == .divide ? 0.5...3 : -3...3)
                    var out = [Float](repeating: .nan, count: count)
                    out.withUnsafeMutableBufferPointer {
                        Elementwise.binary(
                            operation, a, aStride: aStride, b, bStride: bStride, $0.baseAddress!, count: count)
                    }
                    for index in 0..<count {
                        let left = Double(a[index * aStride])
                        let right = Double(b[index * bStride])
                        let truth = reference(left, right)
                        let amplification = operation == .power ? 1 + abs(right * Foundation.log(left)) : 1
                        let tolerance = 1e-6 * abs(truth) * amplification
                        #expect(
                            abs(Double(out[index]) - truth) <= tolerance,
                            "\(operation) strides \(aStride),\(bStride) at \(index): \(out[index]) vs \(truth)")
                    }
                }
            }
        }
    }

    @Test("maximum and minimum propagate NaN; power of negative bases")
    func binarySpecialValues() {
        let a: [Float] = [.nan, 1, -2, -2, -8, 0]
        let b: [Float] = [1, .nan, 3, 0.5, 1.0 / 3, -1]
        func run(_ operation: BinaryOperation) -> [Float] {
            var out = [Float](repeating: 0, count: a.count)
            out.withUnsafeMutableBufferPointer {
                Elementwise.binary(operation, a, aStride: 1, b, bStride: 1, $0.baseAddress!, count: a.count)
            }
            return out
        }
        let maxima = run(.maximum)
        #expect(maxima[0].isNaN && maxima[1].isNaN && maxima[2] == 3)
        let minima = run(.minimum)
        #expect(minima[0].isNaN && minima[1].isNaN && minima[2] == -2)
        let powers = run(.power)
        #expect(powers[2] == -8 && powers[3].isNaN && powers[4].isNaN && powers[5] == .infinity)
    }

    @Test("axpy, scaleShift and fill, in place")
    func fusedAndFill() {
        var seed: UInt64 = 1700
        for count in awkwardCounts {
            seed += 1
            var random = TestRandom(seed: seed)
            let x = random.floats(count)
            let y = random.floats(count)
            var out = y
            out.withUnsafeMutableBufferPointer {
                Elementwise.axpy(alpha: -1.5, x, $0.baseAddress!, $0.baseAddress!, count: count)
            }
            for index in 0..<count {
                #expect(abs(Double(out[index]) - (-1.5 * Double(x[index]) + Double(y[index]))) <= 1e-6)
            }
            var scaled = x
            scaled.withUnsafeMutableBufferPointer {
                Elementwise.scaleShift($0.baseAddress!, scale: 3, shift: -0.25, $0.baseAddress!, count: count)
            }
            for index in 0..<count {
                #expect(abs(Double(scaled[index]) - (3 * Double(x[index]) - 0.25)) <= 1e-6)
            }
            var filled = [Float](repeating: 0, count: count + 1)
            filled.withUnsafeMutableBufferPointer { Elementwise.fill($0.baseAddress!, value: 2.5, count: count) }
            #expect(filled.dropLast().allSatisfy { $0 == 2.5 } && filled.last == 0)
        }
    }

    @Test("select and every comparison with every stride combination")
    func selectAndCompare() {
        let comparisons: [(Comparison, (Float, Float) -> Bool)] = [
            (.less, <), (.lessOrEqual, <=), (.greater, >), (.greaterOrEqual, >=), (.equal, ==), (.notEqual, !=),
        ]
        var seed: UInt64 = 2100
        for count in awkwardCounts {
            seed += 1
            var random = TestRandom(seed: seed)
            // Small integers make equal pairs common; one NaN checks the unordered case.
            var a = (0..<count).map { _ in Float(random.int(in: -2..<3)) }
            let b = (0..<count).map { _ in Float(random.int(in: -2..<3)) }
            if count > 2 { a[2] = .nan }
            for (comparison, reference) in comparisons {
                for (aStride, bStride) in [(1, 1), (0, 1), (1, 0), (0, 0)] {
                    var out = [Float](repeating: -1, count: count)
                    out.withUnsafeMutableBufferPointer {
                        Elementwise.compare(
                            comparison, a, aStride: aStride, b, bStride: bStride, $0.baseAddress!, count: count)
                    }
                    let expected = (0..<count).map { reference(a[$0 * aStride], b[$0 * bStride]) ? Float(1) : 0 }
                    #expect(out == expected, "\(comparison) strides \(aStride),\(bStride) count \(count)")
                }
            }
            let condition = b
            let left = random.floats(count)
            var out = random.floats(count)
            out.withUnsafeMutableBufferPointer {
                Elementwise.select(condition, left, $0.baseAddress!, $0.baseAddress!, count: count)
            }
            var expected = out
            for index in 0..<count where condition[index] != 0 { expected[index] = left[index] }
            #expect(out == expected)
        }
    }
}
