import Foundation
import Testing

@testable import LeptonKernels

/// The state of one Adam update: parameters, gradient and moments.
private struct AdamState {
    var parameter: [Float]
    var gradient: [Float]
    var first: [Float]
    var second: [Float]
    var maximum: [Float]?

    init(count: Int, seed: UInt64, amsgrad: Bool) {
        var random = TestRandom(seed: seed)
        parameter = random.floats(count, in: -2...2)
        gradient = random.floats(count, in: -3...3)
        first = random.floats(count, in: -0.5...0.5)
        second = random.floats(count, in: 0...2)
        maximum = amsgrad ? random.floats(count, in: 0...2) : nil
    }

    /// Runs one update with the given loop.
    mutating func update(_ settings: OptimizerKernels.AdamSettings, loop: OptimizerKernels.AdamLoop, threads: Int) {
        let count = parameter.count
        let pool = ThreadPool(threadCount: threads)
        parameter.withUnsafeMutableBufferPointer { p in
            first.withUnsafeMutableBufferPointer { m in
                second.withUnsafeMutableBufferPointer { v in
                    var running = maximum ?? []
                    running.withUnsafeMutableBufferPointer { r in
                        OptimizerKernels.adam(
                            parameter: p.baseAddress!, gradient: gradient, firstMoment: m.baseAddress!,
                            secondMoment: v.baseAddress!, maximumSecondMoment: maximum == nil ? nil : r.baseAddress!,
                            count: count, settings: settings, pool: pool, loop: loop)
                    }
                    if maximum != nil { maximum = running }
                }
            }
        }
    }
}

/// PyTorch's Adam formulas in Double, from the same Float inputs: the independent truth.
private func referenceAdam(_ state: AdamState, _ s: OptimizerKernels.AdamSettings) -> (
    parameter: [Double], first: [Double], second: [Double]
) {
    let (beta1, beta2, lr, decay) = (Double(s.beta1), Double(s.beta2), Double(s.learningRate), Double(s.weightDecay))
    var parameters: [Double] = []
    var firsts: [Double] = []
    var seconds: [Double] = []
    for index in state.parameter.indices {
        var p = Double(state.parameter[index])
        var g = Double(state.gradient[index])
        if s.decoupledWeightDecay { p *= 1 - lr * decay } else { g += decay * p }
        let m = beta1 * Double(state.first[index]) + (1 - beta1) * g
        let v = beta2 * Double(state.second[index]) + (1 - beta2) * g * g
        let source = state.maximum.map { max(Double($0[index]), v) } ?? v
        let correction1 = 1 - pow(beta1, Double(s.step))
        let correction2 = 1 - pow(beta2, Double(s.step))
        p -= lr / correction1 * m / ((source / correction2).squareRoot() + Double(s.epsilon))
        parameters.append(p)
        firsts.append(m)
        seconds.append(v)
    }
    return (parameters, firsts, seconds)
}

@Suite("Optimizer update loops")
struct OptimizerKernelsTests {
    /// Adam (L2 decay), AdamW (decoupled decay) and AMSGrad at a late step, where bias correction still matters.
    private static let cases: [(name: String, settings: OptimizerKernels.AdamSettings, amsgrad: Bool)] = [
        (
            "Adam",
            .init(
                learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01,
                decoupledWeightDecay: false, step: 3), false
        ),
        (
            "AdamW",
            .init(
                learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1,
                decoupledWeightDecay: true, step: 7), false
        ),
        (
            "AMSGrad",
            .init(
                learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0,
                decoupledWeightDecay: false, step: 2), true
        ),
    ]

    /// Counts around the vector widths, and one above the size that splits the update across threads.
    private static let counts = [1, 7, 8, 15, 16, 17, 33, 1000, (1 << 17) + 5]

    @Test(
        "every loop this CPU runs follows PyTorch's formulas (Double reference)",
        arguments: OptimizerKernels.AdamLoop.allCases.filter(\.isSupported))
    func matchesReference(loop: OptimizerKernels.AdamLoop) {
        for (caseIndex, (name, settings, amsgrad)) in Self.cases.enumerated() {
            for count in Self.counts {
                let before = AdamState(count: count, seed: UInt64(count * 10 + caseIndex), amsgrad: amsgrad)
                var after = before
                after.update(settings, loop: loop, threads: 2)
                let truth = referenceAdam(before, settings)
                var worst = 0.0
                for index in 0..<count {
                    // Each value within a budget of Float rounding: a few ulps of the terms that make it up (the
                    // moments are sums that can cancel), and for the parameter 1e-5 of its true change besides.
                    // A wrong bias correction, decay or moment changes the step by far more.
                    let (b1, b2) = (Double(settings.beta1), Double(settings.beta2))
                    var g = Double(before.gradient[index])
                    if !settings.decoupledWeightDecay { g += Double(settings.weightDecay * before.parameter[index]) }
                    let firstScale = abs(b1 * Double(before.first[index])) + abs((1 - b1) * g)
                    let secondScale = abs(b2 * Double(before.second[index])) + (1 - b2) * g * g
                    let source =
                        before.maximum.map { max(Double($0[index]), truth.second[index]) } ?? truth.second[index]
                    let correction1 = 1 - pow(b1, Double(settings.step))
                    let correction2 = 1 - pow(b2, Double(settings.step))
                    let denominator = (source / correction2).squareRoot() + Double(settings.epsilon)
                    let step = truth.parameter[index] - Double(before.parameter[index])
                    let parameterBudget =
                        2e-6 * abs(truth.parameter[index]) + 1e-5 * abs(step)
                        + Double(settings.learningRate) / correction1 * 1e-6 * firstScale / denominator
                    let errors = [
                        abs(Double(after.parameter[index]) - truth.parameter[index]) / parameterBudget,
                        abs(Double(after.first[index]) - truth.first[index]) / (1e-6 * firstScale + 1e-30),
                        abs(Double(after.second[index]) - truth.second[index]) / (1e-6 * secondScale + 1e-30),
                    ]
                    worst = max(worst, errors.contains { $0.isNaN } ? .infinity : errors.max()!)
                }
                #expect(worst <= 1, "\(name) \(loop) count \(count): worst error over its budget \(worst)")
                if let maximum = after.maximum, let previous = before.maximum {
                    let expected = zip(previous, after.second).map { max($0, $1) }
                    let runningMaximumKept = maximum == expected
                    #expect(runningMaximumKept, "\(name) \(loop) count \(count): running maximum of v")
                }
            }
        }
    }

    @Test("the vector loops agree bit for bit with the portable loop")
    func vectorLoopsAreBitIdentical() {
        for loop in OptimizerKernels.AdamLoop.allCases where loop != .portable && loop.isSupported {
            for (caseIndex, (name, settings, amsgrad)) in Self.cases.enumerated() {
                for count in Self.counts {
                    let start = AdamState(count: count, seed: UInt64(count * 31 + caseIndex), amsgrad: amsgrad)
                    var portable = start
                    portable.update(settings, loop: .portable, threads: 1)
                    var vector = start
                    vector.update(settings, loop: loop, threads: 2)
                    let same =
                        portable.parameter.map(\.bitPattern) == vector.parameter.map(\.bitPattern)
                        && portable.first.map(\.bitPattern) == vector.first.map(\.bitPattern)
                        && portable.second.map(\.bitPattern) == vector.second.map(\.bitPattern)
                        && portable.maximum?.map(\.bitPattern) == vector.maximum?.map(\.bitPattern)
                    #expect(same, "\(name) \(loop) count \(count)")
                }
            }
        }
    }

    @Test("a NaN gradient reaches the parameter in every loop (no lane drops it)")
    func nanPropagates() {
        for loop in OptimizerKernels.AdamLoop.allCases where loop.isSupported {
            for count in [5, 16, 21] {
                var state = AdamState(count: count, seed: 99, amsgrad: false)
                state.gradient[count - 1] = .nan
                state.update(Self.cases[0].settings, loop: loop, threads: 1)
                let lastIsNaN = state.parameter[count - 1].isNaN
                let othersFinite = state.parameter[0..<(count - 1)].allSatisfy { $0.isFinite }
                #expect(lastIsNaN, "\(loop) count \(count)")
                #expect(othersFinite, "\(loop) count \(count)")
            }
        }
    }
}
