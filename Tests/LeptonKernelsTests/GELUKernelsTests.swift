import Foundation
import Testing

@testable import LeptonKernels

/// The AVX2 and AVX-512 loops of the exact GELU (`gelu_erf.c`) against the portable Swift loop, whose accuracy
/// `ElementwiseTests` checks against the double-precision `erfc`: the vector loops must agree with it bit for bit,
/// on every kind of input, so that results do not depend on the machine.
@Suite("GELU (erf) vector loops")
struct GELUKernelsTests {
    /// Inputs of every kind: a dense sweep over the range where both branches of Φ and the clamps meet, the branch
    /// points themselves, special values, and arbitrary bit patterns (subnormals, huge values, NaNs with payloads).
    static let inputs: [Float] = {
        var values = stride(from: Float(-20), through: 20, by: 0.001_953_125).map { $0 }
        let branch: Float = 1.414_213_56
        values += [branch, -branch, branch.nextUp, -branch.nextDown, 15, -15, 15.5, -15.5]
        values += [0, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNormalMagnitude, 89, -104]
        values += [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-20, -1e-20, 4e3, -4e3]
        var random = TestRandom(seed: 2026)
        values += (0..<20_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }
        return values
    }()

    /// The bit patterns of `values`, NaNs included (NaN ≠ NaN would make a plain comparison fail for equal results).
    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    private func forward(_ x: [Float], _ instructionSet: VectorInstructionSet) -> [Float] {
        var y = [Float](repeating: -1, count: x.count)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                Elementwise.geluErf(
                    input.baseAddress!, output.baseAddress!, 0..<x.count, instructionSet: instructionSet)
            }
        }
        return y
    }

    private func backward(
        _ x: [Float], _ dy: [Float], into start: [Float], accumulate: Bool, _ instructionSet: VectorInstructionSet
    ) -> [Float] {
        var dx = start
        x.withUnsafeBufferPointer { input in
            dy.withUnsafeBufferPointer { gradient in
                dx.withUnsafeMutableBufferPointer { result in
                    Elementwise.geluErfBackward(
                        x: input.baseAddress!, dy: gradient.baseAddress!, dx: result.baseAddress!, 0..<x.count,
                        accumulate: accumulate, instructionSet: instructionSet)
                }
            }
        }
        return dx
    }

    @Test(
        "forward: every vector loop this CPU runs equals the portable loop bit for bit",
        arguments: VectorInstructionSet.allCases.filter { $0 != .portable && $0.isSupported })
    func forwardIsBitIdentical(instructionSet: VectorInstructionSet) {
        let x = Self.inputs
        #expect(bits(forward(x, instructionSet)) == bits(forward(x, .portable)))
        // Counts that leave a partial vector at the end.
        for count in [1, 7, 9, 15, 17, 31, 33] {
            let part = Array(x[1000..<(1000 + count)])
            #expect(bits(forward(part, instructionSet)) == bits(forward(part, .portable)), "count \(count)")
        }
    }

    @Test(
        "backward, written and accumulated: every vector loop equals the portable loop bit for bit",
        arguments: VectorInstructionSet.allCases.filter { $0 != .portable && $0.isSupported })
    func backwardIsBitIdentical(instructionSet: VectorInstructionSet) {
        var random = TestRandom(seed: 7)
        for count in [Self.inputs.count, 1, 7, 9, 15, 17, 31, 33] {
            let x = Array(Self.inputs.suffix(count))
            let dy = random.floats(count, in: -3...3)
            let existing = random.floats(count, in: -1...1)
            for accumulate in [false, true] {
                let vector = backward(x, dy, into: existing, accumulate: accumulate, instructionSet)
                let portable = backward(x, dy, into: existing, accumulate: accumulate, .portable)
                #expect(bits(vector) == bits(portable), "count \(count), accumulate \(accumulate)")
            }
        }
    }

    @Test("the vector loops compute GELU and its derivative (double-precision erfc reference)")
    func vectorLoopsAreAccurate() {
        let x = stride(from: Float(-9), through: 9, by: 0.0137).map { $0 }
        let dy = [Float](repeating: 1, count: x.count)
        for instructionSet in VectorInstructionSet.allCases where instructionSet.isSupported {
            let values = forward(x, instructionSet)
            let slopes = backward(x, dy, into: dy, accumulate: false, instructionSet)
            var worst = (value: 0.0, slope: 0.0)
            for (index, input) in x.enumerated() {
                let t = Double(input)
                let cdf = 0.5 * erfc(-t / 2.0.squareRoot())
                let density = exp(-t * t / 2) / (2 * Double.pi).squareRoot()
                let value = t * cdf
                let slope = cdf + t * density
                // A few Float ulps relative to the value, and for the slope relative to its two terms (they cancel
                // where the slope crosses zero, near x = −0.75).
                let valueError = abs(Double(values[index]) - value) / max(abs(value), 1e-30)
                let slopeError = abs(Double(slopes[index]) - slope) / max(abs(cdf) + abs(t * density), 1e-30)
                worst.value = max(worst.value, valueError.isNaN ? .infinity : valueError)
                worst.slope = max(worst.slope, slopeError.isNaN ? .infinity : slopeError)
            }
            #expect(worst.value < 2e-6, "\(instructionSet): worst relative error of GELU \(worst.value)")
            #expect(worst.slope < 2e-6, "\(instructionSet): worst relative error of GELU′ \(worst.slope)")
        }
    }
}
